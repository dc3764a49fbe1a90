#ifndef LESIONTRACK_CNIFTI_H
#define LESIONTRACK_CNIFTI_H

#include <stdint.h>
#include <stddef.h>
#include <nifti/nifti2_io.h>

/* znzlib's open/close/read are macros over X-prefixed functions; Swift imports none of
   them, so these wrappers give Swift a plain function for each. */
typedef struct lt_stream lt_stream;

/* Opens `path` for reading ("rb") or writing ("wb"); gzip when `gzip` is non-zero (for
   reading, gzip is detected from the data). NULL on failure. */
lt_stream *lt_stream_open(const char *path, const char *mode, int gzip);
/* Bytes read, or -1 on an error. */
int64_t lt_stream_read(lt_stream *s, void *buffer, int64_t count);
/* Bytes written, or -1 on an error. */
int64_t lt_stream_write(lt_stream *s, const void *buffer, int64_t count);
/* 0 on success. Skips forward by reading for gzip streams. */
int lt_stream_seek(lt_stream *s, int64_t offset);
/* 0 on success; a gzip stream reports a corrupt or truncated trailer here. */
int lt_stream_close(lt_stream *s);

/* Builds a single-file NIfTI header (version 1 or 2) with libnifti and copies it, followed by
   4 zero extension bytes, into `out` (at least 544 bytes). Returns the bytes used (352 or 544,
   which is also the vox_offset written), or -1 when libnifti refuses the dimensions.
   quatern: b, c, d, qoffset x, y, z, qfac. srow: the sform's three rows of four. */
int lt_build_header(int version, const int64_t dims[3], int datatype, const double pixdim[3],
                    int xyz_units, int qform_code, const double quatern[7], int sform_code,
                    const double srow[12], int intent_code, double cal_min, double cal_max,
                    const char *descrip, unsigned char *out);

/* Builds libnifti's image description (no data) from the first `count` bytes of a single-file
   NIfTI-1 or NIfTI-2 file held in memory, in its stored byte order, with libnifti's own header
   conversion (nifti_convert_n1hdr2nim / nifti_convert_n2hdr2nim, which swap as needed): the same
   fields nifti_image_read(path, 0) gives, without extensions. NULL when the bytes are too few,
   sizeof_hdr is neither 348 nor 540 in either order, or libnifti refuses the header. Free the
   result with nifti_image_free. */
nifti_image *lt_image_from_header_bytes(const void *bytes, int64_t count, const char *fname);

/* Silences libnifti's diagnostics; call once before any thread starts. */
void lt_nifti_quiet(void);

#endif
