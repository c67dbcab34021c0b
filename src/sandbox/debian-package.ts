import { execFileSync, spawnSync } from 'node:child_process';

export function hasCommand(command: string): boolean {
  return spawnSync(command, ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * Installs a Debian package when a command is missing and this process may (root with apt-get),
 * saying so through `say`. Returns whether the command is there afterwards.
 */
export function ensureDebianPackage(command: string, pkg: string, say: (message: string) => void): boolean {
  if (hasCommand(command)) return true;
  if (process.getuid?.() !== 0 || !hasCommand('apt-get')) return false;
  say(`${command} is not installed: installing Debian's package (apt-get install ${pkg})`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    execFileSync('apt-get', ['install', '-y', '-qq', pkg], { stdio: 'ignore', env });
  } catch {
    // The package lists may be missing or stale on a fresh machine.
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'ignore', env });
    execFileSync('apt-get', ['install', '-y', '-qq', pkg], { stdio: 'ignore', env });
  }
  return hasCommand(command);
}
