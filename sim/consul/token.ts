import { internalError, texts } from './errors.js';
import { type Base64Error, decodeGoStruct, decodeStdBase64, GoJsonError, type GoStruct } from './go-compat.js';

/** Consul's structs.PeeringToken, the JSON inside the base64 peering token. */
export interface PeeringToken {
  CA: string[] | null;
  ManualServerAddresses: string[] | null;
  ServerAddresses: string[];
  ServerName: string;
  /** ID of the acceptor's peering record. */
  PeerID: string;
  /** One-time secret the dialer exchanges with the acceptor; regenerated on every token request. */
  EstablishmentSecret: string;
  Remote: { Partition: string; Datacenter: string };
}

const TOKEN_STRUCT: GoStruct = {
  type: 'structs.PeeringToken',
  fields: {
    CA: 'strings',
    ManualServerAddresses: 'strings',
    ServerAddresses: 'strings',
    ServerName: 'string',
    PeerID: 'string',
    EstablishmentSecret: 'string',
    Remote: { type: 'structs.PeeringTokenRemote', fields: { Partition: 'string', Datacenter: 'string' } },
  },
};

/** Like Consul's EncodeToken: standard base64 of the JSON. */
export function encodeToken(token: PeeringToken): string {
  return Buffer.from(JSON.stringify(token)).toString('base64');
}

/**
 * Consul's DecodeToken followed by validatePeeringToken. Every failure is a 500 with Consul's
 * text: the establish RPC returns these as plain errors, so they reach HTTP as `code = Unknown`.
 */
export function decodeToken(raw: string): PeeringToken {
  const token = parseToken(raw);
  validateToken(token);
  return token;
}

function parseToken(raw: string): PeeringToken {
  let json: string;
  try {
    json = decodeStdBase64(raw).toString('utf8');
  } catch (err) {
    throw internalError(texts.tokenBase64((err as Base64Error).offset));
  }
  try {
    const fields = decodeGoStruct(json, TOKEN_STRUCT, 'unmarshal') as Partial<PeeringToken>;
    return {
      CA: fields.CA ?? null,
      ManualServerAddresses: fields.ManualServerAddresses ?? null,
      ServerAddresses: fields.ServerAddresses ?? [],
      ServerName: fields.ServerName ?? '',
      PeerID: fields.PeerID ?? '',
      EstablishmentSecret: fields.EstablishmentSecret ?? '',
      Remote: { Partition: fields.Remote?.Partition ?? '', Datacenter: fields.Remote?.Datacenter ?? '' },
    };
  } catch (err) {
    if (err instanceof GoJsonError) throw internalError(texts.tokenJson(err.message));
    throw err;
  }
}

function validateToken(token: PeeringToken): void {
  const addresses = [...(token.ManualServerAddresses ?? []), ...token.ServerAddresses];
  if (addresses.length === 0) throw internalError(texts.tokenNoServerAddresses);
  const invalid = addresses.find((address) => !isHostPort(address));
  if (invalid !== undefined) throw internalError(texts.tokenBadServerAddress(invalid));
  if (token.PeerID === '') throw internalError(texts.tokenNoPeerId);
}

/** net.SplitHostPort plus a port in 1..65535, as Consul checks token addresses. */
function isHostPort(address: string): boolean {
  const match = /^(\[[^\]]*\]|[^:]*):(\d+)$/.exec(address);
  if (!match) return false;
  const port = Number(match[2]);
  return port >= 1 && port <= 65535;
}
