/** Injection token of the commands configuration (commands.config.ts). */
export const COMMANDS_CONFIG = Symbol('COMMANDS_CONFIG');
