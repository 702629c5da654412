// The viewer's info panel: what the encrypted metadata says of the photo shown (date taken,
// camera, size, dimensions, place) and the albums it is in.
import { FILE_TYPE, type GalleryFile } from '../../../client/src/index.js';
import { fullDate } from '../dates.js';
import { formatBytes, formatPlace } from '../format.js';

export function InfoPanel({ file, albums }: { file: GalleryFile; albums: string[] }) {
  const m = file.meta;
  // Cameras often repeat the make in the model ("Canon" + "Canon EOS R6").
  const camera =
    m.cameraMake && m.cameraModel && !m.cameraModel.toLowerCase().startsWith(m.cameraMake.toLowerCase())
      ? `${m.cameraMake} ${m.cameraModel}`
      : (m.cameraModel ?? m.cameraMake ?? '');
  const rows: [string, string, string][] = [
    ['info-date', 'Taken', fullDate(m.creationTime)],
    ['info-camera', 'Camera', camera],
    ['info-size', 'Size', m.size !== undefined ? formatBytes(m.size) : ''],
    ['info-dimensions', 'Dimensions', m.width && m.height ? `${m.width} × ${m.height}` : ''],
    ['info-place', 'Place', m.latitude !== undefined && m.longitude !== undefined ? formatPlace(m.latitude, m.longitude) : ''],
    [
      'info-type',
      'Type',
      `${m.fileType === FILE_TYPE.video ? 'Video' : 'Photo'}${m.mimeType ? ` (${m.mimeType.split(';')[0]})` : ''}`,
    ],
    ['info-albums', albums.length > 1 ? 'Albums' : 'Album', albums.join(', ')],
  ];
  return (
    <aside id="info-panel" class="info-panel" aria-label="Details">
      <h2 id="info-title">{m.title}</h2>
      <dl>
        {rows
          .filter(([, , v]) => v)
          .map(([id, label, value]) => (
            <div key={id}>
              <dt>{label}</dt>
              <dd id={id}>{value}</dd>
            </div>
          ))}
      </dl>
    </aside>
  );
}
