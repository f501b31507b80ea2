// Builders for contract objects, so tests state only what matters to them: core's
// own, one copy for both packages' tests.
export * from '../../core/test/graph-fixtures';
