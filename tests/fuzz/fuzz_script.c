/*
 * fuzz_script.c - libFuzzer harness for the YAML test-case loader.
 *
 * Every input is loaded as one buffer: the loader must report errors, never
 * crash, leak or read out of bounds, whatever the bytes.  Includes resolve
 * relative to the working directory (the buffer's name has no directory).
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "plan.h"
#include "script.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct plan p = { 0 };
	struct scr_errs errs = { 0 };

	/* The engine's estimate of what loads: fuzz_arrive. */
	scr_load_buffer("fuzz.yaml", (const char *)data, size, &p, &errs);
	plan_free(&p);
	scr_errs_free(&errs);
	return 0;
}
