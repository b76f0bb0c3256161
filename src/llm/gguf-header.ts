// A first look at a GGUF file's header before a loader parses it. node-llama-cpp 3.21's reader trusts
// the header's counts: a file that starts with a valid magic and version but carries garbage counts
// (a corrupt download, a wrong file renamed to .gguf) keeps it reading for minutes at full CPU instead
// of failing. Counts that could not fit in the file are rejected here, with a readable reason.

/** Bytes of the fixed header: magic, version, tensor count, metadata count (GGUF v2 and v3). */
export const GGUF_HEADER_BYTES = 24;
// The least one entry can take: a tensor info (name length + a name byte, dimension count, one dimension,
// type, offset) and a metadata pair (key length + a key byte, value type, a value byte).
const MIN_TENSOR_INFO = 8 + 1 + 4 + 8 + 4 + 8;
const MIN_METADATA_KV = 8 + 1 + 4 + 1;

/** Why `head` (the file's first bytes) cannot start a GGUF of `fileSize` bytes; undefined if it can. */
export function ggufHeaderProblem(head: Uint8Array, fileSize: number): string | undefined {
  if (head.length < 8) return `the file is too short to be a GGUF model (${fileSize} bytes)`;
  if (String.fromCharCode(head[0]!, head[1]!, head[2]!, head[3]!) !== 'GGUF') return 'the file is not a GGUF model (wrong magic bytes)';
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const version = view.getUint32(4, true);
  if (version < 2 || version > 3) return `GGUF version ${version} is not supported (2 and 3 are)`;
  if (head.length < GGUF_HEADER_BYTES) return 'the GGUF header is cut off';
  const tensors = view.getBigUint64(8, true);
  const metadata = view.getBigUint64(16, true);
  const least = BigInt(GGUF_HEADER_BYTES) + tensors * BigInt(MIN_TENSOR_INFO) + metadata * BigInt(MIN_METADATA_KV);
  if (least > BigInt(fileSize))
    return `the GGUF header is corrupt: it claims ${tensors} tensors and ${metadata} metadata entries, more than a ${fileSize}-byte file can hold`;
  return undefined;
}
