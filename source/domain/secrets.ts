/**
 * Which environment values are secret, and how they are masked for display.
 *
 * A variable (or a label) is secret when its NAME looks like one (PASSWORD, TOKEN, API_KEY, dbpass,
 * ...) or when its VALUE carries credentials: in a URL (`postgres://user:pass@db/app`) or as
 * `Password=`/`Pwd=` in a connection string (`Server=db;Password=…`). Names are matched on words:
 * `DB_PASSWORD`, `dbPassword` and `db-password` all contain the word PASSWORD, while `KEYBOARD`
 * or `AUTHOR` do not contain KEY or AUTH.
 */

export const MASK = '********';

/** Fragments that make a name secret wherever they appear (SECRET also covers CLIENT_SECRET_V2). */
const SECRET_FRAGMENTS = [
  'PASSWORD',
  'PASSWD',
  'PASSPHRASE',
  'SECRET',
  'TOKEN',
  'CREDENTIAL',
  'PRIVATE',
  'APIKEY',
  'BASICAUTH',
];

/** A word ending in PASS or PWD is secret (DBPASS, SMTPPWD), except these ordinary words. */
const NOT_SECRET_PASS = new Set(['BYPASS', 'COMPASS', 'SURPASS', 'TRESPASS', 'OVERPASS', 'UNDERPASS']);

/** Whole words that make a name secret (KEY in API_KEY / STRIPE_KEY / KEY_ID, but not KEYBOARD). */
const SECRET_WORDS = new Set(['PWD', 'PASS', 'KEY', 'AUTH', 'SESSION', 'COOKIE', 'SALT', 'DSN']);

/** Splits a variable name into upper-case words: "dbPassword" -> DB, PASSWORD; "API_KEY" -> API, KEY. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter((word) => word !== '');
}

/** Whether an environment variable (or label) NAME looks like it holds a secret. Case-insensitive. */
export function isSecretKey(key: string): boolean {
  const words = nameWords(key);
  const joined = words.join('_');
  if (SECRET_FRAGMENTS.some((fragment) => joined.includes(fragment))) return true;
  return words.some((word) => SECRET_WORDS.has(word) || (/(PASS|PWD)$/.test(word) && !NOT_SECRET_PASS.has(word)));
}

/** `scheme://user:pass@host` or `scheme://:pass@host` (redis). Groups: prefix, password. */
const URL_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/[^\s/@:]*:)([^\s/@]+)(@)/gi;

/**
 * `password=…` / `pwd=…` (any case) inside a connection string: ADO/ODBC (`Server=x;Password=…;`,
 * `Pwd={…}`), libpq (`host=x password=… dbname=y`) or a URL query (`?password=…&`). Groups: the key
 * and `=`, the value (up to `;`, `&`, the next ` key=` or the end; quoted or braced as a whole).
 */
const CONNECTION_PASSWORD =
  /((?<![a-z0-9])(?:password|passwd|pwd)\s*=\s*)("[^"]*"|'[^']*'|\{[^}]*\}|[^;&]*?)(?=\s+[\w.-]+\s*=|[;&]|$)/gi;

/** Whether a VALUE carries credentials in a URL (`postgres://app:pa55@db:5432/app`). */
export function hasUrlCredentials(value: string): boolean {
  URL_CREDENTIALS.lastIndex = 0;
  return URL_CREDENTIALS.test(value);
}

/** Whether a VALUE carries credentials: in a URL (`postgres://app:pa55@db:5432/app`) or a connection string. */
export function hasEmbeddedCredentials(value: string): boolean {
  CONNECTION_PASSWORD.lastIndex = 0;
  return hasUrlCredentials(value) || CONNECTION_PASSWORD.test(value);
}

/** Whether an environment variable (or label) is secret, by its name or by its value. */
export function isSecretEnv(key: string, value: string): boolean {
  return isSecretKey(key) || hasEmbeddedCredentials(value);
}

/**
 * The display form of one variable's value: the whole value masked when the name is secret; only
 * the password masked when the value is a URL with credentials (so a changed host stays visible);
 * otherwise unchanged.
 */
export function maskValue(key: string, value: string): string {
  if (isSecretKey(key)) return MASK;
  return value.replace(URL_CREDENTIALS, `$1${MASK}$3`).replace(CONNECTION_PASSWORD, `$1${MASK}`);
}

/** The environment with secret values masked, or as is when `show` is true. */
export function maskEnv(env: Record<string, string>, show = false): Record<string, string> {
  if (show) return {...env};
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) out[key] = maskValue(key, value);
  return out;
}
