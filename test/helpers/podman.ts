/**
 * A local base image for container tests, since no registry is reachable here: `debootstrap --variant=minbase
 * bookworm` once, `podman import` once, both cached under /var/tmp/tfbuild-test-images between runs.
 * Also makes podman usable on these machines (shared/ENVIRONMENT.md): cgroupfs and no default ulimits in
 * /etc/containers/containers.conf, runc as runtime, chroot isolation for builds.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const TEST_IMAGES_DIR = '/var/tmp/tfbuild-test-images';
export const BASE_IMAGE = 'localhost/tfbuild-test-base:bookworm';
/** What `tfbuild docker` needs on this kind of host (ENVIRONMENT.md: crun fails on cgroups/rlimits). */
export const PODMAN_HOST_FLAGS = ['--engine', 'podman', '--container-runtime', 'runc', '--build-isolation', 'chroot'];
export const CONTAINERS_CONF = '/etc/containers/containers.conf';

function has(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** podman, runc and debootstrap are installed and we are root (debootstrap and rootful podman need it). */
export function canRunPodmanTests(): boolean {
  return process.getuid?.() === 0 && has('podman') && has('runc') && has('debootstrap');
}

/** Idempotent: adds the two settings podman needs here, keeping anything else in the file. */
export function ensureContainersConf(): void {
  const text = existsSync(CONTAINERS_CONF) ? readFileSync(CONTAINERS_CONF, 'utf8') : '';
  if (/cgroup_manager\s*=\s*"cgroupfs"/.test(text) && /default_ulimits\s*=\s*\[\s*\]/.test(text)) return;
  if (/^\[(engine|containers)\]/m.test(text)) {
    throw new Error(`${CONTAINERS_CONF} has [engine]/[containers] sections without the settings podman needs here; add cgroup_manager = "cgroupfs" and default_ulimits = [] by hand.`);
  }
  mkdirSync('/etc/containers', { recursive: true });
  writeFileSync(CONTAINERS_CONF, `${text}${text && !text.endsWith('\n') ? '\n' : ''}[engine]\ncgroup_manager = "cgroupfs"\n\n[containers]\ndefault_ulimits = []\n`);
}

export function hasImage(tag: string): boolean {
  return spawnSync('podman', ['image', 'exists', tag], { stdio: 'ignore' }).status === 0;
}

/** Debian bookworm minbase as a local image (about 1 min the first time; cached afterwards). */
export function ensureBaseImage(): string {
  ensureContainersConf();
  if (hasImage(BASE_IMAGE)) return BASE_IMAGE;
  mkdirSync(TEST_IMAGES_DIR, { recursive: true });
  const rootfs = join(TEST_IMAGES_DIR, 'rootfs-bookworm');
  if (!existsSync(join(rootfs, 'etc', 'debian_version'))) {
    const tmp = `${rootfs}.tmp`;
    rmSync(tmp, { recursive: true, force: true });
    execFileSync('debootstrap', ['--variant=minbase', 'bookworm', tmp], { stdio: 'ignore', timeout: 600_000 });
    renameSync(tmp, rootfs);
  }
  execFileSync('sh', ['-c', `tar -C '${rootfs}' -c . | podman import - ${BASE_IMAGE}`], { stdio: 'ignore', timeout: 300_000 });
  return BASE_IMAGE;
}

/** `podman --runtime runc run --rm --ulimit host --network host IMAGE ARGS…` → stdout, stderr, status. */
export function podmanRun(image: string, args: string[], extra: string[] = []): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('podman', ['--runtime', 'runc', 'run', '--rm', '--ulimit', 'host', '--network', 'host', ...extra, image, ...args], { encoding: 'utf8', timeout: 300_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
