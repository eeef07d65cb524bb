/** The package's version, as in its package.json (a test keeps the two in step). */
export const SERVER_VERSION = "0.1.0";
