// The VS Code client is built by its own issue; this stub keeps the workspace layout whole.
export const clientPlanned = true;
