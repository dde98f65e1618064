/**
 * A throwaway OpenPGP signing key in its own GNUPGHOME under a test temp dir (never the user's keyring): real gpg,
 * RSA so that any gpgv can check it. For signed apt repositories and release signatures in tests.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

export interface TestKey {
  home: string;
  fingerprint: string;
  /** The public key, ASCII-armored (what a publisher serves as KEY.pub / .gpg.key). */
  armored: string;
  /** `gpg --clearsign` (apt's InRelease). */
  clearsign(input: string, output: string): void;
  /** `gpg --detach-sign`, binary, or armored (apt's Release.gpg) when `armor`. */
  detachSign(input: string, output: string, armor?: boolean): void;
}

export function makeTestKey(dir: string, uid = 'tfbuild rehearsal key <rehearsal@example.invalid>'): TestKey {
  const home = join(dir, 'gnupg');
  mkdirSync(home, { recursive: true });
  chmodSync(home, 0o700);
  const gpg = (args: string[]) => execFileSync('gpg', ['--homedir', home, '--batch', '--yes', '--quiet', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  gpg(['--passphrase', '', '--pinentry-mode', 'loopback', '--quick-gen-key', uid, 'rsa2048', 'sign', 'never']);
  const colons = gpg(['--with-colons', '--fingerprint']);
  const fingerprint = /^fpr:+([0-9A-F]{40}):/m.exec(colons)?.[1];
  if (!fingerprint) throw new Error(`no fingerprint in gpg output:\n${colons}`);
  return {
    home,
    fingerprint,
    armored: gpg(['--armor', '--export', fingerprint]),
    clearsign: (input, output) => void gpg(['--local-user', fingerprint, '--digest-algo', 'SHA256', '--output', output, '--clearsign', input]),
    detachSign: (input, output, armor = false) => void gpg(['--local-user', fingerprint, '--digest-algo', 'SHA256', '--output', output, ...(armor ? ['--armor'] : []), '--detach-sign', input]),
  };
}

/** Stops the gpg-agent a key's GNUPGHOME may have started (gpg 2 starts one for signing). */
export function stopAgent(key: TestKey): void {
  try {
    execFileSync('gpgconf', ['--homedir', key.home, '--kill', 'gpg-agent'], { stdio: 'ignore' });
  } catch {
    // no agent running
  }
}
