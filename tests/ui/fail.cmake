# Fails a test with MESSAGE: a missing tool must fail the UI tests, not skip them.
message(FATAL_ERROR "${MESSAGE}")
