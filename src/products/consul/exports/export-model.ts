import type { PartState } from '../../handshake-extension.js';

/** `consul.exports`: services each side exports to the other. */
export interface ConsulExports {
  local: string[];
  remote: string[];
}

/** One exported service as the peering shows it (`exports.local[]`, `exports.remote[]`). */
export interface ExportPart {
  service: string;
  state: PartState;
  /** The consumer was in the entry before the gateway asked for it: the gateway never removes it. */
  adopted: boolean;
  /** The gateway added the service itself to the entry (it goes when its last consumer does). */
  addedService: boolean;
  detail?: string;
  /** The entry could not be read (a refusal): nothing is known of it, so nothing of it is ever removed. */
  unread?: boolean;
}

export interface ExportParts {
  local: ExportPart[];
  remote: ExportPart[];
}

export type ExportSide = keyof ExportParts;
