/**
 * The facts a container plan is made from: the host's machine with the image's toolchain, declared (before the
 * image exists) and as listed inside the build container.
 */
import { describe, expect, it } from 'vitest';
import { declaredImageFacts, parseListing } from '../../../src/docker/image-facts.js';
import { getGeneration } from '../../../src/docker/generations.js';
import { sampleFacts } from '../plan/samples.js';

describe('image facts', () => {
  it('declared: the host CPU and memory, the generation toolchain, no GPU and no engines', () => {
    const host = sampleFacts({});
    const f = declaredImageFacts(host, getGeneration('cuda8-ubuntu16.04'), '0.5.4');
    expect(f.cpu).toEqual(host.cpu);
    expect(f.memory).toEqual(host.memory);
    expect(f.os.distro).toMatchObject({ id: 'ubuntu', versionId: '16.04' });
    expect(f.pythons[0]).toMatchObject({ path: '/usr/bin/python3', sitePackages: '/usr/lib/python3/dist-packages' });
    expect(f.compilers.map((c) => c.path)).toContain('/usr/bin/gcc-5');
    expect(f.bazel).toMatchObject({ path: '/usr/local/bin/bazel', version: '0.5.4' });
    expect(f.cuda.map((c) => c.path)).toEqual(['/usr/local/cuda-8.0']);
    expect(f.cudnn).toMatchObject({ version: '6.0.21', major: 6 });
    expect({ gpus: f.gpus, driver: f.driver, containers: f.containers }).toEqual({ gpus: [], driver: null, containers: [] });
  });

  it('parses the in-container listing (os-release, programs, tools, bazel package, CUDA roots)', () => {
    const l = parseListing([
      'os\tdebian\t12\tDebian GNU/Linux 12 (bookworm)',
      'bin\t/usr/bin/gcc-12', 'bin\t/usr/bin/g++-12', 'bin\t/usr/bin/python3',
      'tool\tbazel\t/usr/bin/bazel', 'tool\tgit\t/usr/bin/git',
      'bazelpkg\t4.2.3+ds-9',
      'cuda\t/usr/local/cuda-8.0',
      'cudnnroot\t/usr/local/cuda-8.0', 'cudnnroot\t/usr',
      '',
    ].join('\n'));
    expect(l).toEqual({
      distro: { id: 'debian', versionId: '12', name: 'Debian GNU/Linux 12 (bookworm)' },
      bins: ['/usr/bin/gcc-12', '/usr/bin/g++-12', '/usr/bin/python3'],
      tools: { bazel: '/usr/bin/bazel', git: '/usr/bin/git' },
      bazelPackage: '4.2.3+ds-9',
      cudaRoots: ['/usr/local/cuda-8.0'],
      cudnnRoots: ['/usr/local/cuda-8.0', '/usr'],
    });
  });
});
