/*===- Float16.c - half-precision conversions LLVM may call ----------------===
 *
 * On x86-64 without F16C, LLVM converts between f16 and f32 with the
 * compiler-rt functions below (f16 passed in XMM registers, GCC 12's
 * _Float16 ABI). libgcc_s has them but is not visible to the JIT's symbol
 * lookup; these are the same conversions, rounding to nearest even. LLVM
 * also rounds f32 to bf16 with __truncsfbf2 where it legalizes a bf16
 * operation by promoting it to f32 (bf16 travels in XMM registers as f16
 * does, so _Float16 carries its bits here).
 *
 *===----------------------------------------------------------------------===*/

#include <stdint.h>
#include <string.h>

#define EXPORT __attribute__((visibility("default")))

static uint32_t floatBits(float f) {
  uint32_t bits;
  memcpy(&bits, &f, sizeof bits);
  return bits;
}

static float bitsFloat(uint32_t bits) {
  float f;
  memcpy(&f, &bits, sizeof f);
  return f;
}

static _Float16 bitsHalf(uint16_t bits) {
  _Float16 h;
  memcpy(&h, &bits, sizeof h);
  return h;
}

static uint16_t halfBits(_Float16 h) {
  uint16_t bits;
  memcpy(&bits, &h, sizeof bits);
  return bits;
}

EXPORT float __extendhfsf2(_Float16 value) {
  uint16_t h = halfBits(value);
  uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
  uint32_t exponent = (h >> 10) & 0x1fu;
  uint32_t mantissa = h & 0x3ffu;
  if (exponent == 0x1fu) /* inf or NaN (quiet bit kept) */
    return bitsFloat(sign | 0x7f800000u | (mantissa << 13));
  if (exponent == 0) {
    if (mantissa == 0)
      return bitsFloat(sign);
    /* Subnormal: exactly mantissa * 2^-24. */
    float magnitude = (float)mantissa * 0x1p-24f;
    return bitsFloat(sign | floatBits(magnitude));
  }
  return bitsFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
}

EXPORT _Float16 __truncsfhf2(float value) {
  uint32_t f = floatBits(value);
  uint16_t sign = (uint16_t)((f >> 16) & 0x8000u);
  uint32_t exponent = (f >> 23) & 0xffu;
  uint32_t mantissa = f & 0x7fffffu;
  if (exponent == 0xffu) /* inf stays inf; NaN stays a quiet NaN */
    return bitsHalf(sign | 0x7c00u | (mantissa ? 0x200u | (mantissa >> 13) : 0));
  int32_t halfExponent = (int32_t)exponent - 127 + 15;
  if (halfExponent >= 0x1f)
    return bitsHalf(sign | 0x7c00u);
  uint32_t significand = mantissa | 0x800000u; /* 24 bits with the hidden 1 */
  int shift = 13;
  if (halfExponent <= 0) { /* subnormal or zero in f16 */
    shift = 14 - halfExponent;
    if (shift > 25)
      return bitsHalf(sign);
    halfExponent = 0;
  } else {
    significand &= 0x7fffffu;
  }
  uint32_t kept = significand >> shift;
  uint32_t rest = significand & ((1u << shift) - 1);
  uint32_t halfway = 1u << (shift - 1);
  if (rest > halfway || (rest == halfway && (kept & 1u)))
    ++kept; /* may carry into the exponent, which is then right */
  return bitsHalf((uint16_t)(sign | (((uint32_t)halfExponent << 10) + kept)));
}

EXPORT _Float16 __truncsfbf2(float value) {
  uint32_t f = floatBits(value);
  uint16_t high = (uint16_t)(f >> 16);
  if ((f & 0x7fffffffu) > 0x7f800000u) /* NaN: quiet, its sign kept */
    return bitsHalf(high | 0x40u);
  uint32_t rounded = f + 0x7fffu + ((f >> 16) & 1u); /* to nearest even */
  return bitsHalf((uint16_t)(rounded >> 16));
}
