/** The studio's version, as the CLI reports it and exported files record it. */
export const STUDIO_VERSION = '0.1.0';
