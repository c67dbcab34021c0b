/** The flags of a ready-to-use peering: SVM peers (ONTAP) and exported services (Consul). */

export const READY_OPTIONS = {
  'svm-peer': { type: 'string', multiple: true },
  export: { type: 'string', multiple: true },
  'export-remote': { type: 'string', multiple: true },
} as const;

export const READY_USAGE = `  --svm-peer LOCAL:REMOTE[:APP,APP]  ONTAP: an SVM peer on top of the cluster peer (repeatable; APP from snapmirror,
                            file_copy, lun_copy, flexcache; default snapmirror)
  --export SERVICE          Consul: a service the local datacenter exports to the remote one (repeatable)
  --export-remote SERVICE   Consul: a service the remote datacenter exports to the local one (repeatable)`;

const APPLICATIONS = ['snapmirror', 'file_copy', 'lun_copy', 'flexcache'] as const;
type Application = (typeof APPLICATIONS)[number];

/** `svm_src:svm_dst` or `svm_src:svm_dst:snapmirror,flexcache` as the API's pair. */
export function svmPeers(
  values: string[] | undefined,
  usage: (message: string) => Error,
): { local: string; remote: string; applications?: Application[] }[] | undefined {
  return values?.map((value) => {
    const [local, remote, apps, ...rest] = value.split(':');
    if (!local || !remote || rest.length) throw usage(`--svm-peer takes LOCAL:REMOTE[:APP,APP], got '${value}'`);
    const applications = apps?.split(',').filter(Boolean);
    const unknown = applications?.find((app) => !(APPLICATIONS as readonly string[]).includes(app));
    if (unknown) throw usage(`--svm-peer application '${unknown}' must be one of: ${APPLICATIONS.join(', ')}`);
    return { local, remote, ...(applications?.length ? { applications: applications as Application[] } : {}) };
  });
}

/** `{local, remote}` from --export and --export-remote, or undefined when neither is given. */
export function exportsOf(local: string[] | undefined, remote: string[] | undefined): { local: string[]; remote: string[] } | undefined {
  return local || remote ? { local: local ?? [], remote: remote ?? [] } : undefined;
}
