/** Bad input from a person or a file: reported as one line, exit code 2, never a stack trace. */
export class InputError extends Error {
  override name = 'InputError';
}
