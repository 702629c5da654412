// People as Ente keeps them: "cgroup" user entities (a name, the face clusters assigned to it, the
// faces rejected from it, files tagged by hand, hidden/pinned flags), synced encrypted
// (user-entity.ts), and the local clusters nobody named yet. The actions are Ente's web client's
// (ml/index.ts): each returns new entity data, unknown keys kept, for the caller to encrypt and save.
import { badInput } from '../runtime/errors.js';
import type { ClusterFacesResult, FaceCluster, FileFaces } from './face-cluster.js';

/** A cgroup's data (Ente's CGroupUserEntityData); keys cipherlens does not know are kept. */
export interface CGroupData {
  /** Empty or absent: no name (an ignored cluster, or an unnamed person). */
  name?: string;
  /** The face clusters that are this person. */
  assigned: FaceCluster[];
  /** Faces removed from this person: clustering never puts them back. */
  rejectedFaceIDs: string[];
  /** Files the user tagged as this person by hand. */
  manuallyAssigned: number[];
  /** Hidden everywhere (an ignored cluster, or a person the user hid). */
  isHidden: boolean;
  /** The face the user chose to show for the person. */
  avatarFaceID?: string;
  /** Shown first. */
  isPinned: boolean;
  /** Left out of Ente's memories. */
  hideFromMemories: boolean;
  [key: string]: unknown;
}

/** A cgroup entity: its id (the server's), data, and when it last changed (microseconds). */
export interface CGroup {
  /** The entity's id, as the server gave it. */
  id: string;
  /** Its decrypted data (parseCGroupData). */
  data: CGroupData;
  /** When it last changed (the server's microseconds): newer people's clusters win. */
  updatedAt: number;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function strings(v: unknown, what: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw badInput(`cgroup ${what} must be an array of strings`);
  return v;
}

/**
 * A cgroup's decrypted JSON, checked and completed as Ente's web client reads it (nullish lists
 * become empty, missing flags false; clusters that are null are dropped; other keys kept).
 */
export function parseCGroupData(json: unknown): CGroupData {
  if (!isObject(json)) throw badInput('cgroup data must be a JSON object');
  const { name, assigned, rejectedFaceIDs, manuallyAssigned, isHidden, avatarFaceID, isPinned, hideFromMemories } = json;
  if (name !== undefined && name !== null && typeof name !== 'string') throw badInput('cgroup name must be a string');
  if (assigned !== undefined && assigned !== null && !Array.isArray(assigned)) throw badInput('cgroup assigned must be an array');
  const clusters = (assigned ?? []).filter((c: unknown) => c !== null && c !== undefined);
  for (const c of clusters) {
    if (!isObject(c) || typeof c.id !== 'string') throw badInput('a cgroup cluster needs an id');
    strings(c.faces, 'cluster faces');
  }
  const files = manuallyAssigned ?? [];
  if (!Array.isArray(files) || !files.every((x) => typeof x === 'number'))
    throw badInput('cgroup manuallyAssigned must be numbers');
  for (const [k, v] of Object.entries({ isHidden, isPinned, hideFromMemories }))
    if (v !== undefined && v !== null && typeof v !== 'boolean') throw badInput(`cgroup ${k} must be a boolean`);
  if (avatarFaceID !== undefined && avatarFaceID !== null && typeof avatarFaceID !== 'string')
    throw badInput('cgroup avatarFaceID must be a string');
  const data: CGroupData = {
    ...json,
    assigned: clusters as FaceCluster[],
    rejectedFaceIDs: strings(rejectedFaceIDs, 'rejectedFaceIDs'),
    manuallyAssigned: files,
    isHidden: isHidden === true,
    isPinned: isPinned === true,
    hideFromMemories: hideFromMemories === true,
  };
  if (name === null) delete data.name;
  if (avatarFaceID === null) delete data.avatarFaceID;
  return data;
}

/** Names a cluster: a new person (Ente's addCGroup). */
export const nameCluster = (name: string, cluster: FaceCluster): CGroupData => ({
  name,
  assigned: [cluster],
  rejectedFaceIDs: [],
  manuallyAssigned: [],
  isHidden: false,
  isPinned: false,
  hideFromMemories: false,
});

/** Hides a cluster everywhere: an unnamed hidden person (Ente's ignoreCluster). */
export const ignoreCluster = (cluster: FaceCluster): CGroupData => ({ ...nameCluster('', cluster), isHidden: true });

/** Merges a cluster into a person; its faces stop being rejected (Ente's addClusterToCGroup). */
export function addClusterToPerson(data: CGroupData, cluster: FaceCluster): CGroupData {
  const faces = new Set(cluster.faces);
  return { ...data, assigned: [...data.assigned, cluster], rejectedFaceIDs: data.rejectedFaceIDs.filter((f) => !faces.has(f)) };
}

/** A person with a new name (Ente's renameCGroup). */
export const renamePerson = (data: CGroupData, name: string): CGroupData => ({ ...data, name });
/** A person hidden or shown again. */
export const setPersonHidden = (data: CGroupData, isHidden: boolean): CGroupData => ({ ...data, isHidden });
/** A person pinned to the top of the list, or unpinned. */
export const setPersonPinned = (data: CGroupData, isPinned: boolean): CGroupData => ({ ...data, isPinned });

/**
 * Removes faces wrongly in a person (Ente mobile's removeFacesFromPerson): out of its clusters
 * (clusters left empty go), into its rejected faces, so clustering never puts them back.
 */
export function removeFacesFromPerson(data: CGroupData, faceIDs: Iterable<string>): CGroupData {
  const drop = new Set(faceIDs);
  const assigned = data.assigned
    .map((c) => ({ ...c, faces: c.faces.filter((f) => !drop.has(f)) }))
    .filter((c) => c.faces.length > 0);
  const rejectedFaceIDs = [...new Set([...data.rejectedFaceIDs, ...drop])];
  return { ...data, assigned, rejectedFaceIDs };
}

/**
 * After clustering (Ente's reconcileClusters): the people whose clusters gained faces, with their
 * clusters as clustering left them (to encrypt and save), and the clusters no person holds (to
 * keep locally).
 */
export function reconcileClusters(
  result: ClusterFacesResult,
  cgroups: CGroup[],
): {
  /** The people whose clusters gained faces, with their clusters updated: encrypt and save them. */
  changed: CGroup[];
  /** The clusters no person holds: keep them on this device for the next run. */
  localClusters: FaceCluster[];
} {
  const byId = new Map(result.clusters.map((c) => [c.id, c]));
  const changed = cgroups
    .filter((g) => g.data.assigned.some((c) => result.modifiedClusterIDs.has(c.id)))
    .map((g) => ({
      ...g,
      data: {
        ...g.data,
        assigned: g.data.assigned.map(({ id }) => {
          const c = byId.get(id);
          if (!c) throw badInput(`cluster ${id} of person ${g.id} is missing from the clustering result`);
          return c;
        }),
      },
    }));
  const held = new Set(cgroups.flatMap((g) => g.data.assigned.map((c) => c.id)));
  return { changed, localClusters: result.clusters.filter((c) => !held.has(c.id)) };
}

/** Someone to show: a person (a cgroup) or a cluster no one named yet. */
export interface Person {
  /** A named (or hidden) person, or a cluster nobody named yet. */
  type: 'cgroup' | 'cluster';
  /** The cgroup's id or the cluster's. */
  id: string;
  /** The person's name (clusters have none). */
  name?: string;
  /** Their faces, newest file first (then higher score). */
  faceIDs: string[];
  /** Files with their faces, plus files tagged by hand. */
  fileIds: number[];
  /** The user's chosen face, or the newest. */
  displayFaceID: string;
  /** Hidden, or a cluster of fewer than 10 faces: left out unless `includeHidden`. */
  isHidden: boolean;
  /** Shown first. */
  isPinned: boolean;
}

/** The faces known on this device, and the time that orders their files. */
export interface PeopleInput {
  /** Every file's faces (from its ML data) and the time that orders them. */
  files: FileFaces[];
  /** The user's people, decrypted. */
  cgroups: CGroup[];
  /** Local clusters (from the last clustering). */
  clusters: FaceCluster[];
}

/** Local clusters smaller than this are not shown (Ente's web client). */
export const MIN_CLUSTER_FACES = 10;

/**
 * Ente's people list (web people.ts): named people first, pinned then most files first, then the
 * local clusters of at least 10 faces; hidden people and faces no file knows are left out unless
 * `includeHidden`.
 */
export function people(
  { files, cgroups, clusters }: PeopleInput,
  options: {
    /** Hidden people and small clusters too. */
    includeHidden?: boolean;
  } = {},
): Person[] {
  const faceInfo = new Map<string, { fileId: number; time: number; score: number }>();
  for (const f of files)
    for (const face of f.faces) faceInfo.set(face.faceID, { fileId: f.fileId, time: f.time, score: face.score });
  const fileIds = new Set(files.map((f) => f.fileId));
  const newestFirst = (ids: string[]) =>
    ids
      .filter((id) => faceInfo.has(id))
      .sort((a, b) => {
        const x = faceInfo.get(a)!,
          y = faceInfo.get(b)!;
        return x.time === y.time ? y.score - x.score : y.time - x.time;
      });
  const sorted = (ps: Person[]) =>
    ps.sort((a, b) => (a.isPinned === b.isPinned ? b.fileIds.length - a.fileIds.length : a.isPinned ? -1 : 1));

  const named: Person[] = [];
  for (const { id, data } of cgroups) {
    const rejected = new Set(data.rejectedFaceIDs);
    const faceIDs = newestFirst(data.assigned.flatMap((c) => c.faces).filter((f) => !rejected.has(f)));
    if (faceIDs.length === 0) continue;
    const files = new Set(faceIDs.map((f) => faceInfo.get(f)!.fileId));
    for (const fileId of data.manuallyAssigned) if (fileIds.has(fileId)) files.add(fileId);
    const avatar = data.avatarFaceID && faceInfo.has(data.avatarFaceID) ? data.avatarFaceID : faceIDs[0];
    // Older mobile apps hid a person by emptying its name.
    named.push({
      type: 'cgroup',
      id,
      name: data.name,
      faceIDs,
      fileIds: [...files],
      displayFaceID: avatar,
      isHidden: data.isHidden || !data.name,
      isPinned: data.isPinned,
    });
  }
  const unnamed: Person[] = [];
  for (const c of clusters) {
    const faceIDs = newestFirst(c.faces);
    if (faceIDs.length === 0) continue;
    const hidden = c.faces.length < MIN_CLUSTER_FACES;
    unnamed.push({
      type: 'cluster',
      id: c.id,
      faceIDs,
      fileIds: [...new Set(faceIDs.map((f) => faceInfo.get(f)!.fileId))],
      displayFaceID: faceIDs[0],
      isHidden: hidden,
      isPinned: false,
    });
  }
  const all = [...sorted(named), ...sorted(unnamed)];
  return options.includeHidden ? all : all.filter((p) => !p.isHidden);
}
