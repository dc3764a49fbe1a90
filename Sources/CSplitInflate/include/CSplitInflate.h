#ifndef LESIONTRACK_CSPLITINFLATE_H
#define LESIONTRACK_CSPLITINFLATE_H

#include <stddef.h>
#include <stdint.h>

/* Inflating one gzip member on two threads.

   A DEFLATE stream is a chain of blocks, and a block's output can copy from up to 32 KiB of the
   output before it, so the second half of a stream cannot be inflated without the first. The
   split works around that, in the manner of pugz (Kerbiriou and Chikhi, 2019) and rapidgzip
   (Knespel and Brunst, 2023):

   1. A dynamic-Huffman block header is searched for from `first_share` of the compressed
      bytes on, bit by bit over at most 320 KiB (its fields, its code-length code and both
      Huffman codes must be valid and complete).
   2. The first part is inflated by libdeflate as a stream of its own, ended at the found
      boundary by an empty final block written over the bits there (restored afterwards).
   3. At the same time a second thread inflates the rest by libdeflate, behind a fixed-Huffman
      block of 32 KiB of zero bytes: a window that stands in for the unknown one.
   4. The first bytes of the second part are then inflated again by zlib with the true window,
      until their last 32 KiB equal the stand-in inflation's: from there on both are the same,
      since every copy reaches at most 32 KiB back. The rest is copied from the stand-in output.
      When they do not agree within 256 KiB, libdeflate inflates the whole second part again,
      behind a block of the true window, straight into place.
   5. The CRC-32 and ISIZE of the trailer are checked over the whole result.

   Any step that does not hold (no boundary found, a false one, a short or long part, a CRC
   mismatch) makes the call return 1, and the caller inflates the file in one piece as before:
   the split is a way to be faster, never a second reader with its own verdicts. */

typedef struct {
    /* Bit offset of the boundary in the file, or 0 when none was used. */
    uint64_t boundary_bit;
    /* Bytes inflated by the first part and by the second. */
    uint64_t first_bytes;
    uint64_t second_bytes;
    /* Bytes of the second part inflated again with the true window. */
    uint64_t reinflated_bytes;
} lt_split_report;

/* Inflates the gzip file `gz` (`gz_len` bytes: one member with nothing after it) into `out`,
   which holds exactly `out_len` bytes, splitting it at about `first_share` (0.1 to 0.9) of its
   compressed bytes. Returns 0 when every byte of `out` was inflated and the trailer's CRC-32 and
   ISIZE match; 1 otherwise (then `out` holds garbage). `gz` is written to during the call and
   restored before it returns. `report` may be NULL. */
int lt_split_inflate_gzip(uint8_t *gz, size_t gz_len, uint8_t *out, size_t out_len, double first_share,
                          lt_split_report *report);

/* The first bit offset in [from_bit, to_bit) of `data` at which a valid dynamic-Huffman
   DEFLATE block header (final or not) starts, or UINT64_MAX. Every code it declares must be
   complete (the distance code may also have one codeword or none, as RFC 1951 allows). */
uint64_t lt_deflate_find_dynamic_block(const uint8_t *data, size_t len, uint64_t from_bit, uint64_t to_bit);

#endif
