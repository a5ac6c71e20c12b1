/**
 * k8s.io/kubernetes requires its staging modules (k8s.io/api, k8s.io/apiserver...) at `v0.0.0` and points them
 * at `./staging/src/...` with replace directives, which a dependent module does not inherit. A wrapper module
 * that replaces each of them with its published version (v0.33.4 for v1.33.4) builds it from the module proxy.
 */

export class KubernetesVersionError extends Error {
  override readonly name = 'KubernetesVersionError';
  readonly code = 'INFRA_K8S_VERSION';
}

const VERSION = /^v1\.(\d+)\.(\d+)$/;

/** `v1.33.4` → `{ major: '1', minor: '33' }`; throws on anything but a plain v1.x.y release. */
export function kubernetesRelease(version: string): { major: string; minor: string } {
  const match = VERSION.exec(version);
  if (!match) throw new KubernetesVersionError(`a Kubernetes version must look like v1.33.4, got "${version}"`);
  return { major: '1', minor: match[1] };
}

/** The published version of the staging modules of a Kubernetes release: `v1.33.4` → `v0.33.4`. */
export function stagingVersion(version: string): string {
  kubernetesRelease(version);
  return version.replace(/^v1\./, 'v0.');
}

/** What `go mod edit -json` prints (the part we read). */
export interface GoModJson {
  readonly Require?: readonly { readonly Path: string; readonly Version: string }[] | null;
}

/** The `k8s.io/*` modules k8s.io/kubernetes requires at `v0.0.0`: the staging modules it replaces locally. */
export function stagingModules(goMod: GoModJson): string[] {
  return (goMod.Require ?? [])
    .filter((req) => req.Version === 'v0.0.0' && req.Path.startsWith('k8s.io/'))
    .map((req) => req.Path);
}

/** `go mod edit` arguments replacing each staging module with its published version. */
export function stagingReplaceArgs(modules: readonly string[], version: string): string[] {
  const published = stagingVersion(version);
  return modules.map((module) => `-replace=${module}=${module}@${published}`);
}

/** `-ldflags` that make `kube-apiserver --version` (and `/version`) report the release instead of v0.0.0. */
export function versionLdflags(version: string): string {
  const { major, minor } = kubernetesRelease(version);
  const pkg = 'k8s.io/component-base/version';
  return [
    `-X ${pkg}.gitVersion=${version}`,
    `-X ${pkg}.gitMajor=${major}`,
    `-X ${pkg}.gitMinor=${minor}`,
    `-X ${pkg}.gitTreeState=clean`,
  ].join(' ');
}
