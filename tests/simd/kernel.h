// The SIMD guest kernel of tests/simd and bench/simd (kernel.c): its exports.
#pragma once
#include <stdint.h>

#define WEFT_KERNEL_BUFFER (1u << 20)

#if defined(__wasm__)
#define WEFT_KERNEL_EXPORT __attribute__((visibility("default")))
#else
#define WEFT_KERNEL_EXPORT
#endif

#ifdef __cplusplus
extern "C" {
#endif
WEFT_KERNEL_EXPORT uint32_t count_byte_scalar(const uint8_t* p, uint32_t n, uint32_t c);
WEFT_KERNEL_EXPORT uint32_t count_byte_simd(const uint8_t* p, uint32_t n, uint32_t c);
WEFT_KERNEL_EXPORT uint32_t checksum_scalar(const uint8_t* p, uint32_t n);
WEFT_KERNEL_EXPORT uint32_t checksum_simd(const uint8_t* p, uint32_t n);
#ifdef __cplusplus
}
#endif
