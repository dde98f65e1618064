/** A minimal pure-python wheel (`NAME/__init__.py` holding `VALUE = 42`), written with zipfile: no `wheel` module needed. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export function writePureWheel(dir: string, name: string, version: string, python = 'python3'): string {
  const path = join(dir, `${name}-${version}-py3-none-any.whl`);
  execFileSync(python, ['-c', `
import zipfile, sys
info = '${name}-${version}.dist-info'
with zipfile.ZipFile(sys.argv[1], 'w') as z:
    z.writestr('${name}/__init__.py', 'VALUE = 42\\n')
    z.writestr(info + '/METADATA', 'Metadata-Version: 2.1\\nName: ${name}\\nVersion: ${version}\\n')
    z.writestr(info + '/WHEEL', 'Wheel-Version: 1.0\\nGenerator: test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n')
    z.writestr(info + '/RECORD', '')
`, path]);
  return path;
}
