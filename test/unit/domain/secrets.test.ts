import {describe, expect, it} from 'vitest';
import {MASK, hasUrlCredentials, isSecretEnv, isSecretKey, maskEnv, maskValue} from '../../../source/domain/secrets.js';

describe('isSecretKey', () => {
  it.each([
    'DB_PASSWORD',
    'MYSQL_ROOT_PASSWD',
    'PWD',
    'SMTP_PASS',
    'CLIENT_SECRET',
    'GITHUB_TOKEN',
    'API_KEY',
    'STRIPE_KEY',
    'KEY',
    'AWS_ACCESS_KEY_ID',
    'PRIVATE_KEY_PEM',
    'GOOGLE_APPLICATION_CREDENTIALS',
    'REGISTRY_CREDENTIAL',
    'BASIC_AUTH',
    'SESSION_SECRET_BASE',
    'COOKIE_SIGNING',
    'PASSWORD_SALT',
    'SENTRY_DSN',
  ])('treats %s as secret', (key) => {
    expect(isSecretKey(key)).toBe(true);
  });

  it('matches names case-insensitively and in camelCase or kebab-case', () => {
    expect(isSecretKey('db_password')).toBe(true);
    expect(isSecretKey('dbPassword')).toBe(true);
    expect(isSecretKey('api-key')).toBe(true);
    expect(isSecretKey('apiKey')).toBe(true);
  });

  it.each(['LOG_LEVEL', 'APP_VERSION', 'KEYBOARD_LAYOUT', 'AUTHOR', 'MONKEY', 'DATABASE_URL', 'PASSENGER_COUNT'])(
    'leaves %s visible',
    (key) => {
      expect(isSecretKey(key)).toBe(false);
    },
  );
});

describe('URL credentials in values', () => {
  it('recognizes scheme://user:pass@ and scheme://:pass@', () => {
    expect(hasUrlCredentials('postgres://app:pa55@db:5432/app')).toBe(true);
    expect(hasUrlCredentials('redis://:s3cret@cache:6379/0')).toBe(true);
    expect(hasUrlCredentials('https://example.com/path')).toBe(false);
    expect(hasUrlCredentials('user@example.com')).toBe(false);
  });

  it('makes a variable secret by its value even when its name is harmless', () => {
    expect(isSecretEnv('DATABASE_URL', 'postgres://app:pa55@db:5432/app')).toBe(true);
    expect(isSecretEnv('DATABASE_URL', 'postgres://db:5432/app')).toBe(false);
  });
});

describe('maskValue and maskEnv', () => {
  it('masks the whole value of a secret name', () => {
    expect(MASK).toBe('********');
    expect(maskValue('DB_PASSWORD', 'hunter2')).toBe(MASK);
  });

  it('masks only the password of a URL so the rest stays comparable', () => {
    expect(maskValue('DATABASE_URL', 'postgres://app:pa55@db:5432/app')).toBe(`postgres://app:${MASK}@db:5432/app`);
  });

  it('leaves other values alone', () => {
    expect(maskValue('LOG_LEVEL', 'info')).toBe('info');
  });

  it('masks an environment unless asked to show it, without changing the input', () => {
    const env = {DB_PASSWORD: 'hunter2', LOG_LEVEL: 'info'};
    expect(maskEnv(env)).toEqual({DB_PASSWORD: MASK, LOG_LEVEL: 'info'});
    expect(maskEnv(env, true)).toEqual(env);
    expect(env.DB_PASSWORD).toBe('hunter2');
  });
});
