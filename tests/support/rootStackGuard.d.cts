/** The process's guard on the root stack files (rootStackGuard.cjs). */
export declare function install(): { allowed: boolean; read: string[] };
