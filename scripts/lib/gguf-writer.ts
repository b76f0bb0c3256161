// A minimal GGUF v3 serializer: enough to write small F32 models by hand, so tests and demos can run real
// inference without downloading weights. Spec: https://github.com/ggml-org/ggml/blob/master/docs/gguf.md

const GGUF_MAGIC = 0x46554747; // "GGUF" read as a little-endian uint32
const GGUF_VERSION = 3;
const GGML_TYPE_F32 = 0;

// GGUF metadata value types (gguf.md, "gguf_metadata_value_type").
const T = { UINT32: 4, INT32: 5, FLOAT32: 6, BOOL: 7, STRING: 8, ARRAY: 9 } as const;

export type GgufValue =
  | { type: 'u32'; value: number }
  | { type: 'i32'; value: number }
  | { type: 'f32'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'string'; value: string }
  | { type: 'string[]'; value: string[] }
  | { type: 'f32[]'; value: number[] }
  | { type: 'i32[]'; value: number[] };

export interface GgufTensor {
  name: string;
  /** ggml order: ne0 (the contiguous, fastest-moving dimension) first. */
  dims: number[];
  data: Float32Array;
}

/** Growable little-endian byte buffer; GGUF is small here, so simplicity beats streaming. */
class ByteWriter {
  private buf = new Uint8Array(1 << 16);
  private view = new DataView(this.buf.buffer);
  length = 0;

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
  u32(v: number): void {
    this.reserve(4);
    this.view.setUint32(this.length, v, true);
    this.length += 4;
  }
  i32(v: number): void {
    this.reserve(4);
    this.view.setInt32(this.length, v, true);
    this.length += 4;
  }
  u64(v: number): void {
    this.reserve(8);
    this.view.setBigUint64(this.length, BigInt(v), true);
    this.length += 8;
  }
  f32(v: number): void {
    this.reserve(4);
    this.view.setFloat32(this.length, v, true);
    this.length += 4;
  }
  u8(v: number): void {
    this.reserve(1);
    this.buf[this.length++] = v;
  }
  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }
  string(s: string): void {
    const b = new TextEncoder().encode(s);
    this.u64(b.length);
    this.bytes(b);
  }
  padTo(alignment: number): void {
    while (this.length % alignment !== 0) this.u8(0);
  }
  result(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

function writeValue(w: ByteWriter, v: GgufValue): void {
  switch (v.type) {
    case 'u32':
      w.u32(T.UINT32);
      return w.u32(v.value);
    case 'i32':
      w.u32(T.INT32);
      return w.i32(v.value);
    case 'f32':
      w.u32(T.FLOAT32);
      return w.f32(v.value);
    case 'bool':
      w.u32(T.BOOL);
      return w.u8(v.value ? 1 : 0);
    case 'string':
      w.u32(T.STRING);
      return w.string(v.value);
    case 'string[]':
      w.u32(T.ARRAY);
      w.u32(T.STRING);
      w.u64(v.value.length);
      for (const s of v.value) w.string(s);
      return;
    case 'f32[]':
      w.u32(T.ARRAY);
      w.u32(T.FLOAT32);
      w.u64(v.value.length);
      for (const x of v.value) w.f32(x);
      return;
    case 'i32[]':
      w.u32(T.ARRAY);
      w.u32(T.INT32);
      w.u64(v.value.length);
      for (const x of v.value) w.i32(x);
      return;
  }
}

/**
 * Serializes a whole GGUF file. `general.alignment` is written from `alignment` so readers and this writer
 * agree on where tensor data starts; key order is kept as given so the output is byte-identical per input.
 */
export function encodeGguf(metadata: Array<[string, GgufValue]>, tensors: GgufTensor[], alignment = 32): Uint8Array {
  const kv: Array<[string, GgufValue]> = [...metadata.filter(([k]) => k !== 'general.alignment')];
  kv.push(['general.alignment', { type: 'u32', value: alignment }]);

  const w = new ByteWriter();
  w.u32(GGUF_MAGIC);
  w.u32(GGUF_VERSION);
  w.u64(tensors.length);
  w.u64(kv.length);
  for (const [key, value] of kv) {
    w.string(key);
    writeValue(w, value);
  }

  let offset = 0;
  const offsets: number[] = [];
  for (const t of tensors) {
    const count = t.dims.reduce((a, b) => a * b, 1);
    if (count !== t.data.length) throw new Error(`tensor ${t.name}: dims ${t.dims.join('x')} != ${t.data.length} values`);
    offsets.push(offset);
    offset += t.data.byteLength;
    offset = Math.ceil(offset / alignment) * alignment;
  }
  tensors.forEach((t, i) => {
    w.string(t.name);
    w.u32(t.dims.length);
    for (const d of t.dims) w.u64(d);
    w.u32(GGML_TYPE_F32);
    w.u64(offsets[i] ?? 0);
  });

  w.padTo(alignment);
  for (const t of tensors) {
    // Copy through a DataView so the file is little-endian whatever the host is.
    const b = new Uint8Array(t.data.byteLength);
    const dv = new DataView(b.buffer);
    t.data.forEach((x, i) => dv.setFloat32(i * 4, x, true));
    w.bytes(b);
    w.padTo(alignment);
  }
  return w.result();
}
