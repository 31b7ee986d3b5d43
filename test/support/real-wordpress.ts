// A real WordPress for tests: Debian's `wordpress` package (/usr/share/wordpress) served by PHP's
// built-in server on a loopback port, on a database of its own in the machine's MariaDB
// (127.0.0.1:3306, root without a password; TEST_MARIADB_* override), installed by WordPress's own
// wp_install() with pretty permalinks (the REST API at /wp-json/) and an application password made
// by WP_Application_Passwords — allowed over plain http because the site's environment type is
// `local`. Debian's wp-config.php reads its settings from /etc/wordpress; this one is left alone:
// the site runs from a temporary directory of symbolic links to the package's files beside a
// wp-config.php of its own, which a router script makes WordPress load (ABSPATH set to it).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './processes.ts';

export const wordpressRoot = '/usr/share/wordpress';
const mariadb = {
  host: process.env.TEST_MARIADB_HOST ?? '127.0.0.1',
  port: Number(process.env.TEST_MARIADB_PORT ?? 3306),
  user: process.env.TEST_MARIADB_USER ?? 'root',
  password: process.env.TEST_MARIADB_PASSWORD ?? '',
};

export interface RealWordpress {
  url: string;
  username: string;
  applicationPassword: string;
  /** Runs PHP with WordPress loaded (`$argv[1]` onwards are `args`); its stdout. */
  php(code: string, ...args: string[]): string;
  close(): Promise<void>;
}

/** Why this machine cannot run it (the packages .ci/run installs), or undefined when it can. */
export function missingForWordpress(): string | undefined {
  if (!existsSync(path.join(wordpressRoot, 'wp-settings.php'))) return `${wordpressRoot} is missing`;
  const php = spawnSync('php', ['-r', 'echo extension_loaded("mysqli") ? "ok" : "no mysqli";'], {
    encoding: 'utf8',
  });
  if (php.error) return 'php is not installed';
  if (php.stdout !== 'ok') return 'PHP has no mysqli (php-mysql)';
  return undefined;
}

const phpString = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

function runPhp(file: string, args: string[]): string {
  const r = spawnSync('php', [file, ...args], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0)
    throw new Error(`php ${path.basename(file)} failed (${r.status}): ${r.stderr}${r.stdout}`);
  return r.stdout;
}

async function waitForPort(url: string, child: ChildProcess, output: () => string) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`php -S ended: ${output()}`);
    try {
      await fetch(`${url}/wp-json/`);
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`php -S did not answer: ${output()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

export async function startRealWordpress(): Promise<RealWordpress> {
  const missing = missingForWordpress();
  if (missing)
    throw new Error(
      `A real WordPress is needed (${missing}): apt-get install -y wordpress php-cli php-mysql (see .ci/run)`,
    );
  const dir = mkdtempSync(path.join(tmpdir(), 'blogsmith-wordpress-'));
  const root = path.join(dir, 'site');
  mkdirSync(path.join(root, 'wp-content', 'uploads'), { recursive: true });
  mkdirSync(path.join(root, 'wp-content', 'themes'));
  for (const entry of readdirSync(wordpressRoot))
    if (entry !== 'wp-config.php' && entry !== 'wp-content')
      symlinkSync(path.join(wordpressRoot, entry), path.join(root, entry));
  symlinkSync(path.join(wordpressRoot, 'wp-content', 'plugins'), path.join(root, 'wp-content', 'plugins'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const database = `blogsmith_wp_${randomBytes(6).toString('hex')}`;
  const salt = () => randomBytes(24).toString('hex');
  writeFileSync(
    path.join(root, 'wp-config.php'),
    `<?php
define('DB_NAME', ${phpString(database)});
define('DB_USER', ${phpString(mariadb.user)});
define('DB_PASSWORD', ${phpString(mariadb.password)});
define('DB_HOST', ${phpString(`${mariadb.host}:${mariadb.port}`)});
define('DB_CHARSET', 'utf8mb4');
define('WP_HOME', ${phpString(url)});
define('WP_SITEURL', ${phpString(url)});
define('WP_CONTENT_DIR', __DIR__ . '/wp-content');
// Application passwords over plain http, as on a developer's machine.
define('WP_ENVIRONMENT_TYPE', 'local');
// No loopback requests to wp-cron.php: the single-threaded built-in server would wait on itself.
define('DISABLE_WP_CRON', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
${[
  'AUTH_KEY',
  'SECURE_AUTH_KEY',
  'LOGGED_IN_KEY',
  'NONCE_KEY',
  'AUTH_SALT',
  'SECURE_AUTH_SALT',
  'LOGGED_IN_SALT',
  'NONCE_SALT',
]
  .map((name) => `define('${name}', '${salt()}');`)
  .join('\n')}
$table_prefix = 'wp_';
require_once ABSPATH . 'wp-settings.php';
`,
  );
  writeFileSync(
    path.join(root, 'router.php'),
    `<?php
// WordPress's entry points run with ABSPATH here, so that this directory's wp-config.php is read.
define('ABSPATH', __DIR__ . '/');
$path = parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH);
$file = __DIR__ . $path;
if ($path !== '/' && is_file($file)) {
  if (substr($file, -4) !== '.php') return false;
  chdir(dirname($file));
} else {
  $path = '/index.php';
  $file = __DIR__ . $path;
}
$_SERVER['SCRIPT_NAME'] = $path;
$_SERVER['SCRIPT_FILENAME'] = $file;
require $file;
`,
  );
  // PHP with WordPress loaded, for setting it up and for what a test does behind the API's back.
  const loaded = (code: string) => `<?php
define('ABSPATH', ${phpString(`${root}/`)});
$_SERVER['HTTP_HOST'] = '127.0.0.1';
$_SERVER['REQUEST_URI'] = '/';
// No mail: the machine has no sendmail, and nobody reads it.
function wp_mail() { return true; }
${code}`;
  const phpFile = path.join(dir, 'run.php');
  const php = (code: string, ...args: string[]) => {
    writeFileSync(phpFile, loaded(`require ABSPATH . 'wp-load.php';\n${code}`));
    return runPhp(phpFile, args);
  };

  const installFile = path.join(dir, 'install.php');
  writeFileSync(
    path.join(dir, 'create-database.php'),
    `<?php
$db = new mysqli(${phpString(mariadb.host)}, ${phpString(mariadb.user)}, ${phpString(mariadb.password)}, null, ${mariadb.port});
$db->query(${phpString(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4`)}) or die($db->error);
`,
  );
  runPhp(path.join(dir, 'create-database.php'), []);
  const dropDatabase = () => {
    writeFileSync(
      path.join(dir, 'drop-database.php'),
      `<?php
$db = new mysqli(${phpString(mariadb.host)}, ${phpString(mariadb.user)}, ${phpString(mariadb.password)}, null, ${mariadb.port});
$db->query(${phpString(`DROP DATABASE IF EXISTS \`${database}\``)});
`,
    );
    runPhp(path.join(dir, 'drop-database.php'), []);
  };
  let server: ChildProcess | undefined;
  try {
    writeFileSync(
      installFile,
      loaded(`define('WP_INSTALLING', true);
require ABSPATH . 'wp-load.php';
require ABSPATH . 'wp-admin/includes/upgrade.php';
$installed = wp_install('Blogsmith test site', 'admin', 'admin@example.com', true, '', wp_generate_password(24));
update_option('permalink_structure', '/%postname%/');
flush_rewrite_rules(false);
$made = WP_Application_Passwords::create_new_application_password($installed['user_id'], ['name' => 'Blogsmith']);
if (is_wp_error($made)) { fwrite(STDERR, $made->get_error_message()); exit(1); }
echo json_encode(['password' => $made[0]]);
`),
    );
    const { password } = JSON.parse(runPhp(installFile, [])) as { password: string };
    let output = '';
    server = spawn('php', ['-S', `127.0.0.1:${port}`, '-t', root, path.join(root, 'router.php')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.stdout?.on('data', (d) => {
      output = (output + String(d)).slice(-2000);
    });
    server.stderr?.on('data', (d) => {
      output = (output + String(d)).slice(-2000);
    });
    await waitForPort(url, server, () => output);
    const running = server;
    return {
      url,
      username: 'admin',
      applicationPassword: password,
      php,
      async close() {
        if (running.exitCode === null) {
          const exited = new Promise((resolve) => running.once('exit', resolve));
          running.kill('SIGTERM');
          await exited;
        }
        dropDatabase();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    server?.kill('SIGKILL');
    dropDatabase();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
