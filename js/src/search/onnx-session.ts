// ONNX Runtime Web plumbing shared by every model (CLIP today, faces next): a model source to
// verified bytes, a session over them, its input metadata, and inferences one at a time. Nothing
// here knows what a model computes; clip-encoders.ts is the CLIP side.
import type * as Ort from 'onnxruntime-web';
import { loadOrt, type OrtModule, type OrtOptions } from './ort-runtime.js';
import { loadModel, type ModelFetchOptions, type ModelFile } from './model-store.js';
import { ModelError } from './model-error.js';

/** A model given as a file name (resolved against the base URL), a URL or path (relative to the
 *  page, or in Node to the working directory), bytes, or a ModelFile. */
export type ModelSource = string | URL | Uint8Array | ArrayBuffer | ModelFile;

/** Where a model comes from and how ONNX Runtime is set up. */
export interface SessionOptions extends ModelFetchOptions, OrtOptions {
  /** Run GELU as its tanh approximation (ONNX Runtime's FastGelu, session option
   *  `optimization.enable_gelu_approximation`): GELU's exact erf form is one of the slowest kernels
   *  of the wasm backend; the approximation differs by < 0.0005 per value (embeddings within
   *  cosine 0.9999 of the exact graph, tested). Default true; false keeps the model's exact GELU. */
  geluApproximation?: boolean;
}

/** ONNX Runtime session options for a model of ours (the wasm backend only). */
export function ortSessionOptions(options: Pick<SessionOptions, 'geluApproximation'> = {}): Ort.InferenceSession.SessionOptions {
  const gelu = options.geluApproximation ?? true;
  return {
    executionProviders: ['wasm'],
    ...(gelu ? { extra: { optimization: { enable_gelu_approximation: '1' } } } : {}),
  };
}

/** Turns every ModelSource form into a ModelFile. */
export function toModelFile(source: ModelSource): ModelFile {
  // A URL ('https:', 'file:'), or a path ('./m.onnx', '/models/m.onnx'), is a location; a bare
  // name is looked up under baseUrl.
  if (typeof source === 'string') return /^([a-z][a-z0-9+.-]*:|\.{0,2}\/)/i.test(source) ? { url: source } : { name: source };
  if (source instanceof URL) return { url: source };
  if (source instanceof Uint8Array || source instanceof ArrayBuffer) return { bytes: source };
  return source;
}

/** One input or output as ONNX Runtime describes it. */
export type TensorMeta = { name: string; isTensor: boolean; type?: string; shape?: readonly (number | string)[] };

export function describeTensor(m: TensorMeta | undefined): string {
  if (!m) return 'nothing';
  return `${m.name}: ${m.type ?? '?'} [${(m.shape ?? []).join(',')}]`;
}

/** The name of the session's tensor called `preferred`, else its first. */
const pick = (names: readonly string[], preferred: string) => (names.includes(preferred) ? preferred : names[0]);

/** Metadata of the model's input (the one named 'input', else the first). */
export function inputMeta(session: Ort.InferenceSession, label: string): TensorMeta {
  const meta = (session as unknown as { inputMetadata?: readonly TensorMeta[] }).inputMetadata;
  const name = pick(session.inputNames, 'input');
  const m = meta?.find((x) => x.name === name);
  if (!m?.isTensor) throw new ModelError('UNSUPPORTED_MODEL', label, 'its input metadata is unavailable');
  return m;
}

/** A dimension is `v`, or symbolic (a name) and so accepts it. */
export const isFixed = (d: number | string | undefined, v: number) => d === v || typeof d === 'string';

/** One session, its runs serialised (a wasm session runs one inference at a time). */
export class SerialSession {
  private queue: Promise<unknown> = Promise.resolve();
  readonly inputName: string;
  readonly outputName: string;

  constructor(
    readonly ort: OrtModule,
    readonly session: Ort.InferenceSession,
    readonly label: string,
  ) {
    this.inputName = pick(session.inputNames, 'input');
    this.outputName = pick(session.outputNames, 'output');
  }

  /** Runs one inference and hands its output to `read` before the next run starts. */
  run<T>(input: Ort.Tensor, read: (output: Ort.Tensor) => T): Promise<T> {
    const next = this.queue.then(async () => read((await this.session.run({ [this.inputName]: input }))[this.outputName]));
    this.queue = next.catch(() => undefined);
    return next;
  }

  release(): Promise<void> {
    return this.session.release();
  }
}

/** Loads ONNX Runtime and the model (fetched, verified, cached) and opens a session on it. */
export async function openSession(source: ModelSource, options: SessionOptions): Promise<SerialSession> {
  const file = toModelFile(source);
  const label = file.name ?? (file.url !== undefined ? String(file.url) : 'model bytes');
  const [ort, model] = await Promise.all([loadOrt(options), loadModel(file, options)]);
  let session: Ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(model.bytes, ortSessionOptions(options));
  } catch (cause) {
    await model.uncache(); // not kept: the next load fetches afresh instead of failing the same way
    throw new ModelError('UNSUPPORTED_MODEL', label, `ONNX Runtime cannot load it: ${(cause as Error)?.message ?? cause}`, {
      cause,
    });
  }
  return new SerialSession(ort, session, label);
}
