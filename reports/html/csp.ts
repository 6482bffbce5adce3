/** Nothing may load or run: styles are inline, images only as data: URIs (there are none today). */
export const CONTENT_SECURITY_POLICY_TEXT = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";
