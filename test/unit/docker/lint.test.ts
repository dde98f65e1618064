import { describe, expect, it } from 'vitest';
import { findUncheckedDownloads, findUnpinnedPackages, lintDockerfile, parseDockerfile } from '../../../src/docker/lint.js';

const good = [
  'ARG BASE_IMAGE=docker.io/library/ubuntu:22.04',
  'FROM ${BASE_IMAGE}',
  'COPY scripts/ /opt/x/',
  'RUN curl -fsSL -o /tmp/b https://example.org/b && \\',
  '    echo "0000000000000000000000000000000000000000000000000000000000000000  /tmp/b" | sha256sum -c -',
  'WORKDIR /work',
  'ENTRYPOINT ["/opt/x/entrypoint.sh"]',
].join('\n');

const rules = (text: string, ctx?: string[]) => lintDockerfile(text, ctx ? { contextPaths: ctx } : {}).map((f) => f.rule);

describe('Dockerfile parser', () => {
  it('joins continuation lines and keeps the keyword line', () => {
    const { instructions, errors } = parseDockerfile(good);
    expect(errors).toEqual([]);
    expect(instructions.map((i) => i.keyword)).toEqual(['ARG', 'FROM', 'COPY', 'RUN', 'WORKDIR', 'ENTRYPOINT']);
    expect(instructions[3]).toMatchObject({ line: 4 });
    expect(instructions[3]!.args).toContain('sha256sum -c');
  });

  it('reports unknown instructions and a dangling continuation', () => {
    expect(parseDockerfile('FROM a:1\nRUNN x').errors[0]!.message).toMatch(/unknown instruction "RUNN"/);
    expect(parseDockerfile('FROM a:1\nRUN x \\').errors[0]!.message).toMatch(/continuation/);
  });
});

describe('Dockerfile rules', () => {
  it('passes a pinned definition', () => {
    expect(lintDockerfile(good, { contextPaths: ['scripts/entrypoint.sh'] })).toEqual([]);
  });

  it('catches each bad habit', () => {
    expect(rules('FROM ubuntu')).toContain('DL3006');
    expect(rules('FROM ubuntu:latest')).toContain('DL3007');
    expect(rules('ARG BASE_IMAGE\nFROM ${BASE_IMAGE}')).toContain('DL3006');
    expect(rules('RUN echo hi\nFROM a:1')).toContain('DL3061');
    expect(rules('FROM a:1\nADD https://x/y /y')).toContain('DL3020');
    expect(rules('FROM a:1\nWORKDIR work')).toContain('DL3000');
    expect(rules('FROM a:1\nENTRYPOINT tfbuild build')).toContain('DL3025');
    expect(rules('FROM a:1\nRUN sudo make')).toContain('DL3004');
    expect(rules('FROM a:1\nRUN curl -o /b https://x/b && sh /b')).toContain('TF001');
    expect(rules('FROM a:1\nRUN wget https://x/b')).toContain('TF001');
    expect(rules('FROM a:1\nRUN apt-get install -y gcc')).toContain('DL3015');
    expect(rules('FROM a:1\nRUN sh /s/install-cuda.sh 8.0 ubuntu1604 machine-learning cuda-nvcc-8-0 -- libcudnn6=6.0.21-1+cuda8.0')).toContain('TF002');
    expect(rules('FROM a:1\nARG BAZEL_SHA256=abc')).toContain('TF004');
    expect(rules('FROM a:1\nCOPY local/ /x/', ['scripts/lib.sh'])).toContain('TF003');
  });

  it('pinning helpers', () => {
    expect(findUnpinnedPackages(['cuda-nvcc-11-2=11.2.152-1', 'libcudnn8=8.1.0.77-1+cuda11.2', '--', 'cuda-nvcc-11-2'])).toEqual(['cuda-nvcc-11-2']);
    expect(findUncheckedDownloads('curl -o a https://x && echo "$S  a" | sha256sum --check')).toEqual([]);
    expect(findUncheckedDownloads('curl -o a https://x')).toHaveLength(1);
  });
});
