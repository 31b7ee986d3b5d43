// What a page that fails while rendering shows instead of a blank window: the error in plain words
// and a way on, with the navigation still there. Without a boundary React unmounts the whole app on
// any render error (a field of an unexpected shape from a newer server, a bug), leaving an empty page.
// Keyed by the path around a page, so moving to another page starts afresh; around the whole app
// (`whole`: the shell, sign-in and setup) it is the last resort, with no navigation to offer.
import { Component, type ReactNode } from 'react';

interface State {
  error: Error | null;
}

export class PageErrorBoundary extends Component<{ children: ReactNode; whole?: boolean }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: unknown): State {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override render() {
    const { error } = this.state;
    if (!error) return this.props.children;
    const shown = (
      <section className="card" data-testid="page-error">
        <h1>This page could not be shown</h1>
        <p className="error-box" role="alert">
          {error.message || 'An unexpected error.'}
        </p>
        <p>
          <button type="button" onClick={() => window.location.reload()}>
            Reload the page
          </button>
          {this.props.whole ? '' : ' or pick another page above.'}
        </p>
      </section>
    );
    return this.props.whole ? <main className="center">{shown}</main> : shown;
  }
}
