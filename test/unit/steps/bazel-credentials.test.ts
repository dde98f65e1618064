import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, realpathSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createExec } from '../../../src/exec/index.js';
import { writeCredentialsRc } from '../../../src/steps/bazel-credentials.js';
import { makeTempDir } from '../../helpers/tmp.js';


describe('the credentials rc file', () => {
  it('holds the expanded flags and a startup line that keeps the request logger out of java.log; both files go afterwards', () => {
    const root = makeTempDir('tfb-cred-');
    const real = join(root, 'src-real');
    mkdirSync(real);
    // The workspace reached through a link: bazel names the output base after getcwd(), the resolved path.
    symlinkSync(real, join(root, 'src'));
    const rcFile = join(root, 'w', 'private', 'credentials.bazelrc');
    const outputRoot = join(root, 'cache', 'tfbuild', 'bazel');
    const step = { cwd: join(root, 'src'), startupArgs: [`--output_user_root=${outputRoot}`, `--bazelrc=${rcFile}`], credentials: { rcFile, flags: ['--remote_header=Authorization=Bearer ${TOK}'] } };
    const remove = writeCredentialsRc(step as never, createExec(), { TOK: 's3cr3t' });
    const rc = readFileSync(rcFile, 'utf8');
    const logging = join(root, 'w', 'private', 'javalog.properties');
    expect(rc).toBe(`startup --host_jvm_args=-Djava.util.logging.config.file=${logging}\nbuild '--remote_header=Authorization=Bearer s3cr3t'\n`);
    expect(statSync(rcFile).mode & 0o777).toBe(0o600);
    expect(statSync(logging).mode & 0o777).toBe(0o600);
    expect(statSync(join(root, 'w', 'private')).mode & 0o777).toBe(0o700);
    expect(statSync(join(root, 'cache', 'tfbuild')).mode & 0o777).toBe(0o700);
    const props = readFileSync(logging, 'utf8');
    const outputBase = join(outputRoot, createHash('md5').update(realpathSync(real)).digest('hex'));
    expect(props).toContain(`com.google.devtools.build.lib.util.SimpleLogHandler.prefix=${outputBase}/java.log\n`);
    expect(props).toContain('com.google.devtools.build.lib.server.GrpcServerImpl.level=WARNING\n');
    expect(props).toContain('.level=INFO\n');
    remove();
    expect(existsSync(rcFile)).toBe(false);
    expect(existsSync(logging)).toBe(false);
  });
});
