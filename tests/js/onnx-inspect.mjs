// What an ONNX file holds, read with onnx-proto: its parameters (elements of every float or 8-bit
// initializer of rank >= 1: int64 ones are shapes, scalars are constants and quantisation scales
// and zero points), its op counts, inputs, outputs and initializers. Shared by the stand-in model
// tests (MobileCLIP, faces); not a test.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { onnx } = require('onnx-proto');
export const T = onnx.TensorProto.DataType;

export function inspect(bytes) {
  const { graph } = onnx.ModelProto.decode(bytes);
  let params = 0;
  for (const t of graph.initializer) {
    if (t.dataType === T.INT64 || t.dims.length === 0) continue;
    params += t.dims.reduce((a, d) => a * Number(d), 1);
  }
  const ops = {};
  for (const n of graph.node) ops[n.opType] = (ops[n.opType] ?? 0) + 1;
  const io = (v) => ({
    name: v.name,
    type: v.type.tensorType.elemType,
    dims: v.type.tensorType.shape.dim.map((d) => d.dimParam || Number(d.dimValue)),
  });
  return { params, ops, inputs: graph.input.map(io), outputs: graph.output.map(io), initializers: graph.initializer };
}
