#include "CNIfTI.h"
#include <stdlib.h>
#include <string.h>

struct lt_stream { znzFile file; };

lt_stream *lt_stream_open(const char *path, const char *mode, int gzip) {
    znzFile f = znzopen(path, mode, gzip);
    if (znz_isnull(f)) return NULL;
    lt_stream *s = malloc(sizeof *s);
    if (!s) { znzclose(f); return NULL; }
    s->file = f;
    return s;
}

int64_t lt_stream_read(lt_stream *s, void *buffer, int64_t count) {
    int64_t total = 0;
    char *out = buffer;
    while (total < count) {
        size_t chunk = (size_t)((count - total) > (1 << 26) ? (1 << 26) : (count - total));
        size_t got = znzread(out + total, 1, chunk, s->file);
        if (got > chunk) return -1; /* gzread's -1, cast to size_t */
        if (got == 0) break;
        total += (int64_t)got;
    }
    return total;
}

int64_t lt_stream_write(lt_stream *s, const void *buffer, int64_t count) {
    int64_t total = 0;
    const char *in = buffer;
    while (total < count) {
        size_t chunk = (size_t)((count - total) > (1 << 26) ? (1 << 26) : (count - total));
        size_t put = znzwrite(in + total, 1, chunk, s->file);
        if (put == 0) return -1;
        total += (int64_t)put;
    }
    return total;
}

int lt_stream_seek(lt_stream *s, int64_t offset) {
    return znzseek(s->file, (long)offset, SEEK_SET) < 0 ? -1 : 0;
}

int lt_stream_close(lt_stream *s) {
    int rc = Xznzclose(&s->file);
    free(s);
    return rc;
}

nifti_image *lt_image_from_header_bytes(const void *bytes, int64_t count, const char *fname) {
    _Static_assert(sizeof(nifti_1_header) == 348, "NIfTI-1 header size");
    _Static_assert(sizeof(nifti_2_header) == 540, "NIfTI-2 header size");
    if (count < 4) return NULL;
    int32_t size;
    memcpy(&size, bytes, 4);
    int32_t swapped = (int32_t)__builtin_bswap32((uint32_t)size);
    if ((size == 348 || swapped == 348) && count >= 348) {
        nifti_1_header h;
        memcpy(&h, bytes, sizeof h);
        return nifti_convert_n1hdr2nim(h, fname);
    }
    if ((size == 540 || swapped == 540) && count >= 540) {
        nifti_2_header h;
        memcpy(&h, bytes, sizeof h);
        return nifti_convert_n2hdr2nim(h, fname);
    }
    return NULL;
}

void lt_nifti_quiet(void) { nifti_set_debug_level(0); }

int lt_build_header(int version, const int64_t dims[3], int datatype, const double pixdim[3],
                    int xyz_units, int qform_code, const double quatern[7], int sform_code,
                    const double srow[12], int intent_code, double cal_min, double cal_max,
                    const char *descrip, unsigned char *out) {
    int64_t full[8] = {3, dims[0], dims[1], dims[2], 1, 1, 1, 1};
    if (version == 1) {
        nifti_1_header *h = nifti_make_new_n1_header(full, datatype);
        if (!h) return -1;
        for (int a = 0; a < 3; a++) h->pixdim[a + 1] = (float)pixdim[a];
        h->xyzt_units = (char)xyz_units;
        h->qform_code = (short)qform_code;
        h->quatern_b = (float)quatern[0]; h->quatern_c = (float)quatern[1]; h->quatern_d = (float)quatern[2];
        h->qoffset_x = (float)quatern[3]; h->qoffset_y = (float)quatern[4]; h->qoffset_z = (float)quatern[5];
        h->pixdim[0] = quatern[6] < 0 ? -1.0f : 1.0f;
        h->sform_code = (short)sform_code;
        for (int c = 0; c < 4; c++) {
            h->srow_x[c] = (float)srow[c]; h->srow_y[c] = (float)srow[4 + c]; h->srow_z[c] = (float)srow[8 + c];
        }
        h->intent_code = (short)intent_code;
        h->scl_slope = 0.0f; h->scl_inter = 0.0f;
        h->cal_min = (float)cal_min; h->cal_max = (float)cal_max;
        memset(h->descrip, 0, sizeof h->descrip);
        strncpy(h->descrip, descrip, sizeof h->descrip - 1);
        memset(h->aux_file, 0, sizeof h->aux_file);
        memset(h->intent_name, 0, sizeof h->intent_name);
        h->vox_offset = 352.0f;
        memcpy(out, h, sizeof *h);
        memset(out + sizeof *h, 0, 4);
        free(h);
        return 352;
    }
    nifti_2_header *h = nifti_make_new_n2_header(full, datatype);
    if (!h) return -1;
    for (int a = 0; a < 3; a++) h->pixdim[a + 1] = pixdim[a];
    h->xyzt_units = xyz_units;
    h->qform_code = qform_code;
    h->quatern_b = quatern[0]; h->quatern_c = quatern[1]; h->quatern_d = quatern[2];
    h->qoffset_x = quatern[3]; h->qoffset_y = quatern[4]; h->qoffset_z = quatern[5];
    h->pixdim[0] = quatern[6] < 0 ? -1.0 : 1.0;
    h->sform_code = sform_code;
    for (int c = 0; c < 4; c++) {
        h->srow_x[c] = srow[c]; h->srow_y[c] = srow[4 + c]; h->srow_z[c] = srow[8 + c];
    }
    h->intent_code = intent_code;
    h->scl_slope = 0.0; h->scl_inter = 0.0;
    h->cal_min = cal_min; h->cal_max = cal_max;
    memset(h->descrip, 0, sizeof h->descrip);
    strncpy(h->descrip, descrip, sizeof h->descrip - 1);
    memset(h->aux_file, 0, sizeof h->aux_file);
    memset(h->intent_name, 0, sizeof h->intent_name);
    h->vox_offset = 544;
    memcpy(out, h, sizeof *h);
    memset(out + sizeof *h, 0, 4);
    free(h);
    return 544;
}
