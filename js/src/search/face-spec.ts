// What Ente's face pipeline fixes: every face number the search side uses, defined once
// (docs/faces.md). The C++ side has its own (wasm/search/face_spec.hpp); the face tests check
// that the core's letterbox, detections and aligned faces have these sizes.

/** Side of the detector's square input (float32 [1, 3, 640, 640]). */
export const FACE_INPUT_SIDE = 640;
/** Floats in the detector's input: 3 * 640 * 640. */
export const FACE_INPUT_FLOATS = 3 * FACE_INPUT_SIDE * FACE_INPUT_SIDE;
/** Rows of YOLOv5-face's output: 3 anchors x (80^2 + 40^2 + 20^2). */
export const FACE_DETECTOR_ROWS = 25200;
/** Floats per row: cx, cy, w, h, score, 5 landmarks (x, y), class score. */
export const FACE_DETECTOR_ROW_FLOATS = 16;
/** Ente's minimum detection score (mobile; its desktop app uses 0.7 on a different graph). */
export const FACE_MIN_SCORE = 0.5;
/** Side of an aligned face, MobileFaceNet's input (float32 [N, 112, 112, 3]). */
export const ALIGNED_FACE_SIDE = 112;
/** Floats in one aligned face. */
export const ALIGNED_FACE_FLOATS = ALIGNED_FACE_SIDE * ALIGNED_FACE_SIDE * 3;
/** Floats in one face embedding (MobileFaceNet's output). */
export const FACE_EMBEDDING_DIMS = 192;
/** The face indexing version cipherlens writes in Ente's ML data (Ente's current one). */
export const FACE_INDEX_VERSION = 1;
/** Faces sent to the embedder in one run (Ente's desktop caps its batches at 50 too). */
export const FACE_EMBED_BATCH = 50;

/** Ente's clustering: a face joins its nearest earlier face's cluster at this similarity... */
export const FACE_CLUSTER_THRESHOLD = 0.76;
/** ...or at this one when that earlier face is of lower quality (blurred or sideways). */
export const FACE_CLUSTER_THRESHOLD_BAD_FACE = 0.84;
/** Faces per clustering batch, and the step between batches (so batches overlap by 2,500). */
export const FACE_CLUSTER_BATCH = 10_000;
/** The step between the starts of two clustering batches. */
export const FACE_CLUSTER_STEP = 7_500;
/** Only faces sharper than this (Laplacian variance) and scoring above the next are clustered. */
export const FACE_CLUSTER_MIN_BLUR = 10;
/** Only faces scoring above this are clustered. */
export const FACE_CLUSTER_MIN_SCORE = 0.8;
/** A face whose blur is below this counts as a lower-quality face. */
export const FACE_BAD_BLUR = 50;
