// exifr's lite build (dist/lite.esm.mjs: JPEG, HEIC, TIFF, PNG; EXIF and GPS) has the API of the
// package's own declarations, which name only the full build.
declare module 'exifr/dist/lite.esm.mjs' {
  export { parse, gps } from 'exifr';
}
