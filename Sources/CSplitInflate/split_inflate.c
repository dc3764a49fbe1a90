#include "CSplitInflate.h"

#include <libdeflate.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

enum { WINDOW = 32768 };
/* zlib inflates the second part again for at most this many bytes, looking for agreement with
   the stand-in inflation; past it, libdeflate does the whole second part again. */
enum { REINFLATE_LIMIT = 256 << 10 };
/* How far a block boundary is searched for: libdeflate ends a block after at most 300,000
   bytes of input, about 260 KiB compressed where the data hardly compresses (zlib and gzip
   after about 16,000 or 32,000 symbols), so there is one within this. */
enum { SEARCH_BYTES = 320 << 10 };

/* ---- Reading bits (DEFLATE packs them from the least significant bit of each byte) ---- */

static inline uint64_t load64(const uint8_t *data, size_t len, size_t byte) {
    uint64_t value = 0;
    if (byte + 8 <= len) {
        memcpy(&value, data + byte, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
        value = __builtin_bswap64(value);
#endif
    } else {
        for (size_t i = 0; byte + i < len && i < 8; i++) value |= (uint64_t)data[byte + i] << (8 * i);
    }
    return value;
}

typedef struct {
    const uint8_t *data;
    size_t len;
    uint64_t pos; /* in bits */
} bit_reader;

static inline uint32_t peek_bits(const bit_reader *r, unsigned n) {
    uint64_t value = load64(r->data, r->len, (size_t)(r->pos >> 3)) >> (r->pos & 7);
    return (uint32_t)(value & ((1ull << n) - 1));
}

static inline uint32_t take_bits(bit_reader *r, unsigned n) {
    uint32_t value = peek_bits(r, n);
    r->pos += n;
    return value;
}

static inline uint32_t reversed(uint32_t code, unsigned length) {
    uint32_t out = 0;
    for (unsigned i = 0; i < length; i++) out |= ((code >> i) & 1u) << (length - 1 - i);
    return out;
}

/* 1 when the code lengths make a complete prefix code, 0 when incomplete, -1 when
   over-subscribed. */
static int kraft(const uint8_t *lengths, unsigned count, unsigned longest) {
    uint64_t sum = 0;
    for (unsigned i = 0; i < count; i++)
        if (lengths[i]) sum += 1ull << (longest - lengths[i]);
    if (sum == (1ull << longest)) return 1;
    return sum > (1ull << longest) ? -1 : 0;
}

/* ---- Finding a block boundary ---- */

static const uint8_t code_length_order[19] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};

/* For four code lengths of three bits (twelve bits), the sum of 2^(7 − length) over those not
   zero: the code-length code is complete when the sum over all of them is 128. */
static uint16_t kraft_of_four[4096];
static pthread_once_t kraft_once = PTHREAD_ONCE_INIT;
static void fill_kraft_of_four(void) {
    for (unsigned v = 0; v < 4096; v++) {
        unsigned sum = 0;
        for (unsigned i = 0; i < 4; i++) {
            unsigned length = (v >> (3 * i)) & 7u;
            if (length) sum += 128u >> length;
        }
        kraft_of_four[v] = (uint16_t)sum;
    }
}

/* The code-length code's lengths of a block header at `bit`, packed three bits each from the
   least significant, and their count; 0 when the header fields are out of range or the code is
   not complete. Nearly every position fails here, so it is kept branch-free and inline. */
static inline unsigned code_length_code_at(const uint8_t *data, size_t len, uint64_t bit, uint64_t *packed) {
    /* The block header (17 bits) and the first 13 lengths, then the last 6. */
    uint64_t head = load64(data, len, (size_t)(bit >> 3)) >> (bit & 7);
    uint64_t more = load64(data, len, (size_t)((bit + 56) >> 3)) >> ((bit + 56) & 7);
    unsigned count = (unsigned)((head >> 13) & 15) + 4;
    uint64_t lengths = ((head >> 17) | more << 39) & ((1ull << (3 * count)) - 1);
    unsigned sum = kraft_of_four[lengths & 4095] + kraft_of_four[(lengths >> 12) & 4095] +
                   kraft_of_four[(lengths >> 24) & 4095] + kraft_of_four[(lengths >> 36) & 4095] +
                   kraft_of_four[(lengths >> 48) & 4095];
    /* BFINAL, then BTYPE 2 (dynamic Huffman codes), least significant bit first; HLIT and HDIST
       at most 29. */
    unsigned ok = (((head >> 1) & 3) == 2) & (((head >> 3) & 31) <= 29) & (((head >> 8) & 31) <= 29) & (sum == 128);
    *packed = lengths;
    return ok ? count : 0;
}

/* The rest of the header at `bit`, once its code-length code is complete: both codes must
   decode and be complete. */
static int codes_valid_at(const uint8_t *data, size_t len, uint64_t bit, uint64_t packed, unsigned code_length_count) {
    uint64_t head = load64(data, len, (size_t)(bit >> 3)) >> (bit & 7);
    unsigned literal_count = (unsigned)((head >> 3) & 31) + 257;
    unsigned distance_count = (unsigned)((head >> 8) & 31) + 1;
    uint8_t code_lengths[19] = {0};
    for (unsigned i = 0; i < code_length_count; i++) code_lengths[code_length_order[i]] = (uint8_t)((packed >> (3 * i)) & 7u);
    bit_reader r = {data, len, bit + 17 + 3 * code_length_count};

    /* A table of the code-length code by its next 7 bits (reversed canonical codes). */
    uint16_t table[128];
    unsigned per_length[8] = {0};
    for (unsigned s = 0; s < 19; s++) per_length[code_lengths[s]]++;
    per_length[0] = 0;
    uint32_t next[8] = {0};
    uint32_t code = 0;
    for (unsigned l = 1; l <= 7; l++) {
        code = (code + per_length[l - 1]) << 1;
        next[l] = code;
    }
    for (unsigned s = 0; s < 19; s++) {
        unsigned l = code_lengths[s];
        if (!l) continue;
        for (uint32_t fill = reversed(next[l]++, l); fill < 128; fill += 1u << l) table[fill] = (uint16_t)(s | (l << 8));
    }

    uint8_t lengths[286 + 30];
    unsigned total = literal_count + distance_count;
    unsigned n = 0;
    while (n < total) {
        uint16_t entry = table[peek_bits(&r, 7)];
        r.pos += entry >> 8;
        unsigned symbol = entry & 0xff;
        if (symbol < 16) {
            lengths[n++] = (uint8_t)symbol;
        } else {
            unsigned repeat;
            uint8_t value = 0;
            if (symbol == 16) {
                if (n == 0) return 0;
                value = lengths[n - 1];
                repeat = 3 + take_bits(&r, 2);
            } else if (symbol == 17) {
                repeat = 3 + take_bits(&r, 3);
            } else {
                repeat = 11 + take_bits(&r, 7);
            }
            if (n + repeat > total) return 0;
            memset(lengths + n, value, repeat);
            n += repeat;
        }
        if (r.pos > (uint64_t)len * 8) return 0;
    }
    if (lengths[256] == 0) return 0;
    if (kraft(lengths, literal_count, 15) != 1) return 0;
    int distances = kraft(lengths + literal_count, distance_count, 15);
    if (distances == -1) return 0;
    if (distances == 0) {
        /* Incomplete: allowed only as no codeword or a single one of one bit. */
        unsigned used = 0;
        for (unsigned i = 0; i < distance_count; i++)
            if (lengths[literal_count + i]) used += lengths[literal_count + i] == 1 ? 1 : 2;
        if (used > 1) return 0;
    }
    return 1;
}

uint64_t lt_deflate_find_dynamic_block(const uint8_t *data, size_t len, uint64_t from_bit, uint64_t to_bit) {
    pthread_once(&kraft_once, fill_kraft_of_four);
    uint64_t limit = (uint64_t)len * 8;
    if (to_bit > limit) to_bit = limit;
    /* Byte by byte: the positions in a byte whose BTYPE bits read 2 (one in four) are found
       from the byte and the next at once, and only those are checked further. */
    for (uint64_t byte = from_bit >> 3; byte * 8 < to_bit; byte++) {
        unsigned window = data[byte] | (byte + 1 < len ? (unsigned)data[byte + 1] << 8 : 0u);
        unsigned candidates = (~window >> 1) & (window >> 2) & 0xffu;
        while (candidates) {
            unsigned offset = (unsigned)__builtin_ctz(candidates);
            candidates &= candidates - 1;
            uint64_t bit = byte * 8 + offset;
            if (bit < from_bit || bit >= to_bit) continue;
            uint64_t packed;
            unsigned count = code_length_code_at(data, len, bit, &packed);
            if (count && codes_valid_at(data, len, bit, packed, count)) return bit;
        }
    }
    return UINT64_MAX;
}

/* ---- Writing the stand-in window ---- */

typedef struct {
    uint8_t *out;
    size_t count;
    uint64_t buffer;
    unsigned bits;
} bit_writer;

static inline void put_bits(bit_writer *w, uint32_t value, unsigned n) {
    w->buffer |= (uint64_t)value << w->bits;
    w->bits += n;
    while (w->bits >= 8) {
        w->out[w->count++] = (uint8_t)w->buffer;
        w->buffer >>= 8;
        w->bits -= 8;
    }
}

/* The bits of a fixed-Huffman literal: eight for 0–143, nine for 144–255. */
static inline unsigned literal_bits(uint8_t byte) { return byte < 144 ? 8 : 9; }

/* A non-final fixed-Huffman block of literals: `pad` bytes 144, then the WINDOW bytes of
   `window` (all zero when NULL), padded so that its length in bits is `bit` modulo 8. It is
   written to end at `end`: its last (10 + its literals' bits) mod 8 bits go into the low bits of
   *end, the rest fill the bytes before it. Returns the number of those whole bytes and sets *pad
   to the padding used. */
static size_t write_window_block(uint8_t *end, const uint8_t *window, unsigned bit, unsigned *pad) {
    uint64_t bits = 10;
    for (unsigned i = 0; i < WINDOW; i++) bits += window ? literal_bits(window[i]) : 8;
    /* Each padding byte adds nine bits, one modulo 8. */
    *pad = (unsigned)((bit + 8 - bits % 8) % 8);
    bits += 9 * *pad;
    size_t whole = (size_t)(bits / 8);
    bit_writer w = {end - whole, 0, 0, 0};
    put_bits(&w, 2, 3); /* BFINAL 0, BTYPE 1 */
    for (unsigned i = 0; i < *pad; i++) put_bits(&w, reversed(0x190, 9), 9);
    for (unsigned i = 0; i < WINDOW; i++) {
        uint8_t byte = window ? window[i] : 0;
        if (byte < 144)
            put_bits(&w, reversed(0x30 + byte, 8), 8);
        else
            put_bits(&w, reversed(0x190 + byte - 144, 9), 9);
    }
    put_bits(&w, 0, 7); /* end of block */
    uint8_t low = (uint8_t)((1u << bit) - 1);
    *end = (uint8_t)((w.buffer & low) | (*end & ~low));
    return whole;
}

/* ---- The two parts ---- */

typedef struct {
    const uint8_t *source;
    size_t source_len;
    uint8_t *copy_to; /* where the bytes from `source` go */
    const uint8_t *in;
    size_t in_len;
    uint8_t *out;
    size_t out_capacity;
    size_t in_used;
    size_t out_len;
    int ok;
} second_part;

static void *inflate_second_part(void *argument) {
    second_part *part = argument;
    memcpy(part->copy_to, part->source, part->source_len);
    struct libdeflate_decompressor *d = libdeflate_alloc_decompressor();
    if (!d) return NULL;
    enum libdeflate_result result = libdeflate_deflate_decompress_ex(d, part->in, part->in_len, part->out,
                                                                     part->out_capacity, &part->in_used, &part->out_len);
    libdeflate_free_decompressor(d);
    part->ok = result == LIBDEFLATE_SUCCESS && part->in_used == part->in_len;
    return NULL;
}

static uint32_t le32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Where the DEFLATE data of the gzip member starts, or 0 for a header this does not take. */
static size_t gzip_data_start(const uint8_t *gz, size_t len) {
    if (len < 18 || gz[0] != 0x1f || gz[1] != 0x8b || gz[2] != 8 || (gz[3] & 0xe0)) return 0;
    uint8_t flags = gz[3];
    size_t p = 10;
    if (flags & 4) {
        if (p + 2 > len) return 0;
        p += 2 + ((size_t)gz[p] | (size_t)gz[p + 1] << 8);
    }
    for (uint8_t flag = 8; flag <= 16; flag <<= 1) {
        if (!(flags & flag)) continue;
        while (p < len && gz[p]) p++;
        p++;
    }
    if (flags & 2) p += 2;
    return p + 8 < len ? p : 0;
}

/* The second part again with the true window, by zlib, from its first byte until the last
   WINDOW bytes agree with the stand-in inflation `stand_in` (then *agreed is set), or until
   `limit` bytes; returns the bytes inflated, or SIZE_MAX on an error. */
static size_t reinflate(const uint8_t *in, size_t in_len, unsigned skip_bits, uint8_t first_byte,
                        const uint8_t *window, uint8_t *out, const uint8_t *stand_in, size_t len, size_t limit,
                        int *agreed) {
    *agreed = 0;
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, -15) != Z_OK) return SIZE_MAX;
    size_t done = SIZE_MAX;
    if (inflateSetDictionary(&z, window, WINDOW) != Z_OK) goto end;
    if (inflatePrime(&z, (int)(8 - skip_bits), first_byte >> skip_bits) != Z_OK) goto end;
    z.next_in = (Bytef *)in;
    if (in_len > UINT32_MAX) goto end;
    z.avail_in = (uInt)in_len;
    size_t pos = 0, agree_from = 0;
    for (;;) {
        size_t chunk = len - pos < 16384 ? len - pos : 16384;
        if (chunk == 0) break;
        z.next_out = out + pos;
        z.avail_out = (uInt)chunk;
        int rc = inflate(&z, Z_NO_FLUSH);
        size_t made = chunk - z.avail_out;
        if (rc != Z_OK && rc != Z_STREAM_END) goto end;
        if (rc == Z_STREAM_END && pos + made != len) goto end;
        if (memcmp(out + pos, stand_in + pos, made) != 0) {
            size_t last = made;
            while (out[pos + last - 1] == stand_in[pos + last - 1]) last--;
            agree_from = pos + last;
        }
        pos += made;
        if (pos - agree_from >= WINDOW || rc == Z_STREAM_END) {
            *agreed = 1;
            break;
        }
        if (made == 0) goto end;
        if (pos >= limit) break;
    }
    done = pos;
end:
    inflateEnd(&z);
    return done;
}

int lt_split_inflate_gzip(uint8_t *gz, size_t gz_len, uint8_t *out, size_t out_len, double first_share,
                          lt_split_report *report) {
    if (report) memset(report, 0, sizeof *report);
    size_t start = gzip_data_start(gz, gz_len);
    if (!start || out_len < 4 * WINDOW || first_share < 0.1 || first_share > 0.9) return 1;
    size_t end = gz_len - 8; /* the trailer: CRC-32, ISIZE */
    uint32_t crc = le32(gz + end), isize = le32(gz + end + 4);
    if (isize != (uint32_t)out_len || end - start < 4 * WINDOW) return 1;

    /* The boundary: searched over at most SEARCH_BYTES from the share asked for. */
    size_t from = start + (size_t)((double)(end - start) * first_share);
    uint64_t boundary = lt_deflate_find_dynamic_block(gz, end - 3, (uint64_t)from * 8, (uint64_t)(from + SEARCH_BYTES) * 8);
    if (boundary == UINT64_MAX) return 1;
    size_t byte = (size_t)(boundary >> 3);
    unsigned bit = (unsigned)(boundary & 7);

    /* The second part's input: a window block then the compressed bytes from the boundary's
       byte on, in which the block's last bits take the place of the first part's. The window
       block is written backwards from that byte, so there is room before it for the longest
       (every literal nine bits). */
    size_t room = (10 + 9 * 7 + 9 * WINDOW) / 8 + 1;
    size_t in_len = room + (end - byte);
    uint8_t *in = malloc(in_len);
    uint8_t *stand_in = malloc(out_len);
    if (!in || !stand_in) {
        free(in);
        free(stand_in);
        return 1;
    }
    uint8_t *at = in + room; /* the boundary's byte */
    uint8_t original[3];
    unsigned patched = (bit + 10 + 7) / 8;
    memcpy(original, gz + byte, patched);
    memcpy(at, original, patched);
    unsigned pad;
    size_t whole = write_window_block(at, NULL, bit, &pad);
    size_t stand_in_len = pad + WINDOW;
    second_part second = {
        .source = gz + byte + patched,
        .source_len = end - byte - patched,
        .copy_to = at + patched,
        .in = at - whole,
        .in_len = whole + (end - byte),
        .out = stand_in,
        .out_capacity = stand_in_len + out_len - WINDOW < out_len ? stand_in_len + out_len - WINDOW : out_len,
    };

    /* The first part ends at the boundary with an empty final fixed-Huffman block
       (BFINAL 1, BTYPE 1, end of block: the ten bits 1, 1, 0, …). */
    uint8_t low = (uint8_t)((1u << bit) - 1);
    uint32_t ending = (uint32_t)(original[0] & low) | 3u << bit;
    for (unsigned i = 0; i < patched; i++) gz[byte + i] = (uint8_t)(ending >> (8 * i));

    pthread_t thread;
    int threaded = pthread_create(&thread, NULL, inflate_second_part, &second) == 0;
    if (!threaded) inflate_second_part(&second);

    size_t first_len = 0, first_used = 0;
    int first_ok = 0;
    uint32_t first_crc = 0;
    struct libdeflate_decompressor *d = libdeflate_alloc_decompressor();
    if (d) {
        size_t first_in = byte + patched - start;
        enum libdeflate_result result =
            libdeflate_deflate_decompress_ex(d, gz + start, first_in, out, out_len, &first_used, &first_len);
        first_ok = result == LIBDEFLATE_SUCCESS && first_used == first_in && first_len >= WINDOW + 8;
        if (first_ok) first_crc = (uint32_t)libdeflate_crc32(0, out, first_len);
    }
    memcpy(gz + byte, original, patched);
    if (threaded) pthread_join(thread, NULL);

    int status = 1;
    size_t second_len = out_len - first_len, again = SIZE_MAX;
    if (d && first_ok && second.ok && second.out_len == stand_in_len + second_len) {
        uint8_t *target = out + first_len;
        const uint8_t *inflated = stand_in + stand_in_len;
        int agreed;
        again = reinflate(at + 1, end - byte - 1, bit, original[0], target - WINDOW, target, inflated, second_len,
                          REINFLATE_LIMIT, &agreed);
        if (again != SIZE_MAX && agreed) {
            memcpy(target + again, inflated + again, second_len - again);
        } else if (again != SIZE_MAX) {
            /* The stand-in reaches too far: the second part again by libdeflate, behind a block of
               the true window, straight into place. The window block's output lands on the
               window itself (the same bytes) and its padding just before, kept aside. */
            uint8_t kept[8];
            size_t whole_true = write_window_block(at, target - WINDOW, bit, &pad);
            uint8_t *place = target - WINDOW - pad;
            memcpy(kept, place, pad);
            size_t used = 0, made = 0;
            enum libdeflate_result result = libdeflate_deflate_decompress_ex(
                d, at - whole_true, whole_true + (end - byte), place, pad + WINDOW + second_len, &used, &made);
            memcpy(place, kept, pad);
            again = result == LIBDEFLATE_SUCCESS && used == whole_true + (end - byte) &&
                            made == pad + WINDOW + second_len
                        ? second_len
                        : SIZE_MAX;
        }
        if (again != SIZE_MAX) {
            uint32_t second_crc = (uint32_t)libdeflate_crc32(0, target, second_len);
            if ((uint32_t)crc32_combine(first_crc, second_crc, (z_off_t)second_len) == crc) {
                status = 0;
                if (report) {
                    report->boundary_bit = boundary;
                    report->first_bytes = first_len;
                    report->second_bytes = second_len;
                    report->reinflated_bytes = again;
                }
            }
        }
    }
    if (d) libdeflate_free_decompressor(d);
    free(in);
    free(stand_in);
    return status;
}
