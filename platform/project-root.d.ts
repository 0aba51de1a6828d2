/** The repository's root directory, with a trailing separator. */
export declare const PROJECT_ROOT: string;
