import {describe, expect, it} from 'vitest';
import {
  imageDigest,
  imageRepo,
  imageTag,
  isImageId,
  parseImageRef,
  pinImageRef,
  withoutDigest,
} from '../../../source/domain/snapshot.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('image references', () => {
  it('splits repo:tag@digest as Swarm pins it', () => {
    expect(parseImageRef(`nginx:1.25@${DIGEST}`)).toEqual({repository: 'nginx', tag: '1.25', digest: DIGEST});
    expect(imageRepo(`nginx:1.25@${DIGEST}`)).toBe('nginx');
  });

  it('keeps a registry port as part of the repository, not a tag', () => {
    expect(parseImageRef('host:5000/a/b:tag')).toEqual({repository: 'host:5000/a/b', tag: 'tag', digest: null});
    expect(parseImageRef('host:5000/a/b')).toEqual({repository: 'host:5000/a/b', tag: null, digest: null});
    expect(imageTag('host:5000/a/b')).toBeNull();
  });

  it('reads a bare image ID as a digest without a repository', () => {
    expect(isImageId(DIGEST)).toBe(true);
    expect(parseImageRef(DIGEST)).toEqual({repository: null, tag: null, digest: DIGEST});
    expect(imageRepo(DIGEST)).toBeNull();
    expect(imageDigest('a'.repeat(64))).toBe(DIGEST);
  });

  it('reads repo@digest without a tag', () => {
    expect(parseImageRef(`127.0.0.1:5000/app@${DIGEST}`)).toEqual({
      repository: '127.0.0.1:5000/app',
      tag: null,
      digest: DIGEST,
    });
  });

  it('drops and replaces digests', () => {
    expect(withoutDigest(`app:2@${DIGEST}`)).toBe('app:2');
    expect(withoutDigest(`app@${DIGEST}`)).toBe('app');
    expect(withoutDigest(DIGEST)).toBe(DIGEST);
    const other = `sha256:${'b'.repeat(64)}`;
    expect(pinImageRef(`app:2@${DIGEST}`, other)).toBe(`app:2@${other}`);
    expect(pinImageRef('host:5000/a/b', other)).toBe(`host:5000/a/b@${other}`);
  });
});
