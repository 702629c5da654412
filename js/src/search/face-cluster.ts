// Ente's face clustering (web/packages/new/photos/services/ml/cluster.ts, _clusterFaces): the
// eligible faces newest first, seeded with the clusters of the user's people (cgroups, newest
// first; a face they reject never rejoins them) and with local clusters, then the core's linear
// clustering batch by batch (wasm/search/face_cluster.cpp).
import { badInput } from '../runtime/errors.js';
import type { Face } from './face-index.js';
import type { ClusterInput, ClustererOptions, FaceClusterer, FaceDirection, FacePoint } from './faces.js';
import {
  FACE_BAD_BLUR,
  FACE_CLUSTER_BATCH,
  FACE_CLUSTER_MIN_BLUR,
  FACE_CLUSTER_MIN_SCORE,
  FACE_CLUSTER_STEP,
  FACE_EMBEDDING_DIMS,
} from './face-spec.js';

/** A set of faces (by faceID) and its id, "cluster_" + 22 random letters and digits. */
export interface FaceCluster {
  /** "cluster_" and 22 of [0-9A-Za-z] (Ente's form; any unique string is read). */
  id: string;
  /** Its faces' faceIDs. */
  faces: string[];
}

/** A file's faces (from its ML data) and the time that orders them. */
export interface FileFaces {
  /** The file's id (the server's). */
  fileId: number;
  /** Ente orders by the photo's creation time (any number that sorts newer higher). */
  time: number;
  /** Its faces as its ML data holds them (`faceData(...).faces`). */
  faces: Face[];
}

/** What clustering needs of a person (a cgroup entity, people.ts). */
export interface ClusterPerson {
  /** Newer people's clusters take precedence. */
  updatedAt: number;
  /** The person's cgroup data (CGroupData has these and more). */
  data: {
    /** The clusters assigned to the person. */
    assigned: FaceCluster[];
    /** Faces taken out of the person: they never rejoin its clusters. */
    rejectedFaceIDs: string[];
  };
}

/** What clusterFaces works on: the faces known on this device, the people and earlier clusters. */
export interface ClusterFacesInput {
  /** Each file's faces (from its ML data) and the time that orders them: Ente sorts by the
   *  photo's creation time, newest first. Files keep their order among equal times. */
  files: FileFaces[];
  /** The user's people: their clusters first. */
  people?: ClusterPerson[];
  /** Clusters this device kept from an earlier run (after the people's). */
  clusters?: FaceCluster[];
}

/** How far clustering is, after each batch. */
export interface ClusteringProgress {
  /** Faces clustered so far. */
  completed: number;
  /** Eligible faces in this run. */
  total: number;
}

/** Options of clusterFaces. */
export interface ClusterFacesOptions {
  /** Called after each batch. */
  onProgress?: (progress: ClusteringProgress) => void;
  /** Checked between batches: rejects with its reason (nothing is returned). */
  signal?: AbortSignal;
  /** Ids for new clusters (default: "cluster_" + 22 random [0-9A-Za-z], as Ente's). Rejections are
   *  by cluster id, as Ente keeps them: an id must never repeat one already in use. */
  newClusterId?: () => string;
  /** Every similarity computed exactly (the reference path; tests and benchmarks). */
  scalar?: boolean;
  /** Ente's batches of 10,000 faces every 7,500 unless a test asks for others. */
  batch?: number;
  /** Faces between the starts of two batches (Ente's 7,500). */
  step?: number;
}

/** The clusters after a run. */
export interface ClusterFacesResult {
  /** Every cluster: the people's and the local ones (faces added), then the new ones. */
  clusters: FaceCluster[];
  /** Clusters that gained a face or were made in this run (their people need saving). */
  modifiedClusterIDs: Set<string>;
  /** Faces that took part (eligible ones). */
  faces: number;
}

/** The steps of the core this module uses (`loadCore().faces`). */
export interface ClusterCore {
  /** The core's face steps (`loadCore().faces`). */
  faces: {
    /** Ente's clustering batches over the faces given (their arrays made by clusterFaces). */
    clusterer(input: ClusterInput<ArrayBuffer>, options?: ClustererOptions): FaceClusterer;
    /** Which way a face looks, from its 5 landmarks. */
    direction(landmarks: FacePoint[]): FaceDirection;
  };
}

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Ente's cluster id: "cluster_" and 22 symbols of [0-9A-Za-z] (unbiased: bytes >= 248 skipped). */
export function newClusterId(): string {
  let id = 'cluster_';
  while (id.length < 30) {
    for (const b of crypto.getRandomValues(new Uint8Array(32))) {
      if (b < 248 && id.length < 30) id += ALPHABET[b % 62];
    }
  }
  return id;
}

/** Ente's filter: sharp enough and confident enough to cluster. */
export const isClusterable = (face: Face) => face.blur > FACE_CLUSTER_MIN_BLUR && face.score > FACE_CLUSTER_MIN_SCORE;

/**
 * Ente's isBadFace as its web client runs it: blurred (< 50) or looking sideways. (Its second
 * clause, `blur < 200 && blur < 0.85`, is a typo for the score and never adds anything.)
 */
export function isBadFace(core: ClusterCore, face: Face): boolean {
  const { landmarks } = face.detection;
  return face.blur < FACE_BAD_BLUR || (landmarks.length === 5 && core.faces.direction(landmarks) !== 'straight');
}

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** Clusters faces as Ente's web client does; resolves with every cluster and the ones changed. */
export async function clusterFaces(
  core: ClusterCore,
  input: ClusterFacesInput,
  options: ClusterFacesOptions = {},
): Promise<ClusterFacesResult> {
  const { files, people = [], clusters: local = [] } = input ?? ({} as ClusterFacesInput);
  if (!Array.isArray(files)) throw badInput('files must be an array of { fileId, time, faces }');
  const newId = options.newClusterId ?? newClusterId;

  // Eligible faces in file order, then newest first (a stable sort, as JavaScript's), each faceID once.
  const seen = new Set<string>();
  const faces = files
    .flatMap((f, order) => (f.faces ?? []).filter(isClusterable).map((face) => ({ face, time: f.time, order })))
    .filter(({ face }) => !seen.has(face.faceID) && (seen.add(face.faceID), true))
    .sort((a, b) => b.time - a.time);

  // The people's clusters (newest person first; rejected faces taken out), then the local ones.
  const clusters: FaceCluster[] = [];
  const rejectedFrom = new Map<string, Set<string>>(); // faceID -> cluster ids it may not join
  for (const person of [...people].sort((a, b) => b.updatedAt - a.updatedAt)) {
    const rejected = new Set(person.data.rejectedFaceIDs ?? []);
    for (const c of person.data.assigned) clusters.push({ id: c.id, faces: c.faces.filter((f) => !rejected.has(f)) });
    for (const faceID of rejected) {
      const s = rejectedFrom.get(faceID) ?? new Set();
      for (const c of person.data.assigned) s.add(c.id);
      rejectedFrom.set(faceID, s);
    }
  }
  for (const c of local) clusters.push({ id: c.id, faces: [...c.faces] });
  const clusterOf = new Map<string, number>(); // the first cluster listing a face wins
  clusters.forEach((c, i) => {
    for (const f of c.faces) if (!clusterOf.has(f)) clusterOf.set(f, i);
  });
  const indexesOf = new Map<string, number[]>();
  clusters.forEach((c, i) => indexesOf.set(c.id, [...(indexesOf.get(c.id) ?? []), i]));

  const n = faces.length,
    dims = FACE_EMBEDDING_DIMS;
  const embeddings = new Float32Array(n * dims);
  const bad = new Uint8Array(n);
  const assigned = new Int32Array(n);
  const offsets = new Uint32Array(n + 1);
  const rejectedIds: number[] = [];
  faces.forEach(({ face }, i) => {
    if (face.embedding.length !== dims)
      throw badInput(`face ${face.faceID} has ${face.embedding.length} embedding values, not ${dims}`);
    embeddings.set(face.embedding, i * dims);
    bad[i] = isBadFace(core, face) ? 1 : 0;
    assigned[i] = clusterOf.get(face.faceID) ?? -1;
    for (const id of rejectedFrom.get(face.faceID) ?? []) rejectedIds.push(...(indexesOf.get(id) ?? []));
    offsets[i + 1] = rejectedIds.length;
  });

  const clusterer = core.faces.clusterer(
    {
      embeddings,
      dims,
      bad,
      clusters: assigned,
      existing: clusters.length,
      rejections: { offsets, ids: Int32Array.from(rejectedIds) },
    },
    { scalar: options.scalar, batch: options.batch ?? FACE_CLUSTER_BATCH, step: options.step ?? FACE_CLUSTER_STEP },
  );
  let result: Int32Array;
  try {
    const step = options.step ?? FACE_CLUSTER_STEP,
      batch = options.batch ?? FACE_CLUSTER_BATCH;
    for (let b = 0; b < clusterer.batches; b++) {
      options.signal?.throwIfAborted();
      clusterer.run(b);
      options.onProgress?.({ completed: Math.min(n, b * step + batch), total: n });
      await tick(); // let other calls to this thread in between batches
    }
    result = clusterer.clusters();
  } finally {
    clusterer.dispose();
  }

  const modified = new Set<string>();
  faces.forEach(({ face }, i) => {
    const c = result[i];
    if (c === assigned[i]) return; // it already had this cluster
    while (c >= clusters.length) clusters.push({ id: newId(), faces: [] });
    clusters[c].faces.push(face.faceID);
    modified.add(clusters[c].id);
  });
  return { clusters, modifiedClusterIDs: modified, faces: n };
}
