package io.hsip.policygateway.directory;

/**
 * What an import did: every entry of the document was created, updated or found unchanged (an
 * import is all or nothing). Entries the document does not name are left as they are.
 *
 * @param created entries that did not exist
 * @param updated entries that existed with other fields
 * @param unchanged entries that existed exactly so
 */
public record DirectoryImport(int created, int updated, int unchanged) {}
