// What the server says, in words a writer can act on. The API's messages are written for
// developers (zod's "Too small: expected string to have >=8 characters", operator hints naming
// environment variables); the web app rewrites the few generic shapes and leaves plain ones alone.

const envVariable = /\b[A-Z][A-Z0-9]+(?:_[A-Z0-9]+)+\b/;

const units: Record<string, string> = { string: 'characters', array: 'items', set: 'items' };

/** zod 4's generic messages → short sentences; anything else is returned unchanged. */
function fromZod(message: string): string | undefined {
  const size = /^Too (small|big): expected (\w+) to (?:have|be) ([<>]=?)(-?[\d.]+)(?: (\w+))?/.exec(message);
  if (size) {
    const [, which, type = '', op = '', n = ''] = size;
    const unit = units[type] ? ` ${units[type]}` : '';
    const inclusive = op.endsWith('=');
    if (type === 'string' && which === 'small' && Number(n) === 1 && inclusive) return 'Required.';
    if (which === 'small') return `Must be at least ${inclusive ? n : `more than ${n}`}${unit}.`;
    return `Must be at most ${inclusive ? n : `less than ${n}`}${unit}.`;
  }
  if (/^Invalid input: expected \w+, received undefined$/.test(message)) return 'Required.';
  if (/^Invalid input: expected (number|int)/.test(message)) return 'Must be a number.';
  if (/^Invalid input: expected/.test(message)) return 'This value has the wrong form.';
  if (/^Invalid email address$/.test(message)) return 'Must be an email address, like name@example.com.';
  if (/^Invalid URL/i.test(message)) return 'Must be a web address starting with http:// or https://.';
  const option = /^Invalid option: expected one of (.+)$/.exec(message);
  if (option) return `Must be one of ${option[1]!.replaceAll('|', ', ')}.`;
  if (/^Unrecognized key/.test(message)) return 'This field is not known to the server.';
  return undefined;
}

/** Server settings a writer cannot change: say what is missing and who can fix it. */
function fromOperatorHint(message: string, path = ''): string | undefined {
  if (!envVariable.test(message)) return undefined;
  if (path === 'research.web' || /^Web research is not configured/.test(message))
    return 'Web research is not configured on this server. Untick “Search the web”, or ask the person who runs Blogsmith to add a search provider.';
  if (/language model/i.test(message))
    return 'No language model is connected yet. An admin can connect one in Settings.';
  const [head] = message.split(/:\s|;\s|\s\(/);
  return `${head?.replace(/\.$/, '')}. The person who runs this Blogsmith server can set this up.`;
}

export function plainMessage(message: string, path?: string): string {
  return fromOperatorHint(message, path) ?? fromZod(message) ?? message;
}
