/** The harness version: reported by the built-in adapters, written into reports and ONNX models. Keep equal to package.json. */
export const HARNESS_VERSION = '0.1.0';
