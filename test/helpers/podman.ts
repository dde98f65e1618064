/**
 * A private podman for container tests, leaving the machine as found: its own containers.conf (CONTAINERS_CONF) and
 * storage.conf (CONTAINERS_STORAGE_CONF, the vfs driver: plain directories, no mounts) under a temp dir of the test
 * file, set in this worker's environment so podman here and every tfbuild the test starts use them. The images
 * built or imported live there and are removed with the temp dir; /etc/containers and /var/lib/containers are not
 * touched. No registry is reachable here, so the base image is `debootstrap --variant=minbase bookworm` +
 * `podman import` (about a minute per test file). podman needs cgroupfs and no default ulimits on these machines
 * (shared/ENVIRONMENT.md), runc as runtime, chroot isolation for builds.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from './tmp.js';

export const BASE_IMAGE = 'localhost/tfbuild-test-base:bookworm';
/** What `tfbuild docker` needs on this kind of host (ENVIRONMENT.md: crun fails on cgroups/rlimits). */
export const PODMAN_HOST_FLAGS = ['--engine', 'podman', '--container-runtime', 'runc', '--build-isolation', 'chroot'];

function has(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** podman, runc and debootstrap are installed and we are root (debootstrap and rootful podman need it). */
export function canRunPodmanTests(): boolean {
  const ok = process.getuid?.() === 0 && has('podman') && has('runc') && has('debootstrap');
  // .ci/run installs them and runs as root: in CI a missing piece is a failure, never a silent skip.
  if (!ok && process.env.CI) throw new Error('CI: the container tests need root, podman, runc and debootstrap (.ci/run installs them).');
  return ok;
}

let sandbox: string | undefined;

/**
 * This test file's podman configuration and storage (idempotent): returns the dir. Removed with the file's temp
 * dirs; vfs storage is plain files, so removing it needs no unmount.
 */
export function usePrivatePodman(): string {
  if (sandbox !== undefined) return sandbox;
  const dir = makeTempDir('podman-');
  const conf = join(dir, 'containers.conf');
  const storage = join(dir, 'storage.conf');
  mkdirSync(join(dir, 'tmp'));
  writeFileSync(conf, `[engine]\ncgroup_manager = "cgroupfs"\nevents_logger = "none"\nimage_copy_tmp_dir = "${join(dir, 'tmp')}"\n\n[containers]\ndefault_ulimits = []\n`);
  writeFileSync(storage, `[storage]\ndriver = "vfs"\ngraphroot = "${join(dir, 'storage')}"\nrunroot = "${join(dir, 'run')}"\n`);
  process.env.CONTAINERS_CONF = conf;
  process.env.CONTAINERS_STORAGE_CONF = storage;
  sandbox = dir;
  return dir;
}

export function hasImage(tag: string): boolean {
  return spawnSync('podman', ['image', 'exists', tag], { stdio: 'ignore' }).status === 0;
}

/** Debian bookworm minbase as a local image in this file's private storage (about a minute). */
export function ensureBaseImage(): string {
  const dir = usePrivatePodman();
  if (hasImage(BASE_IMAGE)) return BASE_IMAGE;
  const rootfs = join(dir, 'rootfs-bookworm');
  if (!existsSync(join(rootfs, 'etc', 'debian_version'))) {
    mkdirSync(rootfs, { recursive: true });
    execFileSync('debootstrap', ['--variant=minbase', 'bookworm', rootfs], { stdio: 'ignore', timeout: 600_000 });
  }
  execFileSync('sh', ['-c', `tar -C '${rootfs}' -c . | podman import - ${BASE_IMAGE}`], { stdio: 'ignore', timeout: 300_000 });
  return BASE_IMAGE;
}

/** `podman --runtime runc run --rm --ulimit host --network host IMAGE ARGS…` → stdout, stderr, status. */
export function podmanRun(image: string, args: string[], extra: string[] = []): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('podman', ['--runtime', 'runc', 'run', '--rm', '--ulimit', 'host', '--network', 'host', ...extra, image, ...args], { encoding: 'utf8', timeout: 300_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
