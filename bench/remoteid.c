/* bench/remoteid.c — how fast Remote ID and French beacon payloads decode and encode.
 *
 * 10 000 varied messages (40 % Location, 15 % Basic ID, 15 % System, 10 % each of
 * Operator ID, Self-ID and Authentication; random fields, protocol versions 0-2)
 * are encoded once, then decoded round-robin as raw 25-byte messages — the way a
 * Bluetooth 4 receiver sees them — and as packs of 5; the decoded messages are
 * encoded back. Each figure is the best of several rounds on one core. Every
 * result feeds a checksum that is printed, so the compiler cannot drop the work. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_util.h"
#include "vigie/frbeacon.h"
#include "vigie/rid.h"

#define N_MSG 10000
#define PACK_OF 5
#define N_PACK (N_MSG / PACK_OF)
#define ROUNDS 7

static uint64_t rng = 0x0b5e5e1e2024ull;

static void random_bytes(uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        b[i] = (uint8_t)bench_splitmix64(&rng);
}

static vg_rid_message random_message(void)
{
    vg_rid_message m;
    memset(&m, 0, sizeof m);
    uint8_t version = (uint8_t)(bench_splitmix64(&rng) % 3);
    unsigned pick = (unsigned)(bench_splitmix64(&rng) % 100);
    if (pick < 40) {
        m.type = VG_RID_LOCATION;
        vg_rid_location *l = &m.u.location;
        *l = (vg_rid_location){
            .version = version, .status = 2, .height_type = 1, .has_direction = true,
            .direction_deg = bench_uniform(&rng, 0, 360), .has_speed = true, .speed_mps = bench_uniform(&rng, 0, 120),
            .has_vspeed = true, .vspeed_mps = bench_uniform(&rng, -10, 10), .has_position = true,
            .lat = bench_uniform(&rng, 48.80, 48.90), .lon = bench_uniform(&rng, 2.25, 2.40),
            .has_pressure_alt = bench_splitmix64(&rng) % 2 == 0, .has_geodetic_alt = true,
            .geodetic_alt_m = bench_uniform(&rng, 40, 200), .has_height = true, .height_m = bench_uniform(&rng, 0, 150),
            .h_accuracy = 10, .v_accuracy = 4, .baro_accuracy = 3, .speed_accuracy = 2,
            .time_accuracy = 2, .has_time = true, .time_ds = (uint16_t)(bench_splitmix64(&rng) % 36000)};
        l->pressure_alt_m = l->has_pressure_alt ? bench_uniform(&rng, 40, 200) : 0;
    } else if (pick < 55) {
        m.type = VG_RID_BASIC_ID;
        m.u.basic_id = (vg_rid_basic_id){.version = version, .id_type = 1, .ua_type = 2};
        memcpy(m.u.basic_id.uas_id, "1581F5BKD12345678", 17);
        random_bytes(m.u.basic_id.uas_id + 12, 5);
    } else if (pick < 70) {
        m.type = VG_RID_SYSTEM;
        vg_rid_system *s = &m.u.system;
        *s = (vg_rid_system){.version = version, .operator_location_type = 1,
                             .has_operator_position = true, .operator_lat = bench_uniform(&rng, 48.8, 48.9),
                             .operator_lon = bench_uniform(&rng, 2.25, 2.4), .area_count = 1};
        if (version >= 1) {
            s->classification_type = 1, s->category_eu = 1, s->class_eu = 2;
            s->has_operator_alt = true, s->operator_alt_m = bench_uniform(&rng, 30, 40);
        }
        if (version >= 2)
            s->has_timestamp = true, s->timestamp = (vg_time)(1722015000 + bench_splitmix64(&rng) % 3600) * 1000000;
    } else if (pick < 80) {
        m.type = VG_RID_OPERATOR_ID;
        m.u.operator_id.version = version;
        memcpy(m.u.operator_id.id, "FRAmw3jdx5n9e2vk", 16);
    } else if (pick < 90) {
        m.type = VG_RID_SELF_ID;
        m.u.self_id.version = version;
        memcpy(m.u.self_id.desc, "Survey of the Seine", 19);
    } else {
        m.type = VG_RID_AUTH;
        vg_rid_auth *a = &m.u.auth;
        a->version = version;
        a->auth_type = 1;
        a->page = (uint8_t)(bench_splitmix64(&rng) % 3);
        a->data_len = a->page ? 23 : 17;
        if (a->page == 0)
            a->last_page = 2, a->length = 63;
        random_bytes(a->data, a->data_len);
    }
    return m;
}

/* A cheap fingerprint of a decoded message: 8 bytes of one field that the decoder
 * wrote for that type (a table lookup, not a switch, so that the benchmark adds
 * no unpredictable branch of its own to the decoder's). Each read lies within one
 * store of the decoder (a double, or the first 8 bytes of a copied array), as a
 * consumer reading fields would: an 8-byte read straddling two stores would stall
 * store-to-load forwarding and measure the benchmark, not the decoder. */
static const size_t fp_offset[6] = {
    offsetof(vg_rid_basic_id, uas_id), offsetof(vg_rid_location, lat),
    offsetof(vg_rid_auth, data),       offsetof(vg_rid_self_id, desc),
    offsetof(vg_rid_system, operator_lon), offsetof(vg_rid_operator_id, id),
};

static uint64_t fingerprint(const vg_rid_message *m)
{
    uint64_t bits;
    memcpy(&bits, (const unsigned char *)&m->u + fp_offset[m->type % 6], sizeof bits);
    return bits + (uint64_t)m->type;
}

static uint8_t raw[N_MSG][VG_RID_MSG_LEN];
static uint8_t packs[N_PACK][VG_RID_PACK_HEADER + PACK_OF * VG_RID_MSG_LEN];
static vg_rid_message decoded[N_MSG];
static uint8_t reencoded[N_MSG][VG_RID_MSG_LEN];

int main(int argc, char **argv)
{
    long passes = argc > 1 ? atol(argv[1]) : 500; /* passes over the 10 000 messages */
    vg_error err;
    for (int i = 0; i < N_MSG; i++) {
        vg_rid_message m = random_message();
        if (vg_rid_encode_message(&m, raw[i], &err) < 0) {
            fprintf(stderr, "bench_remoteid: encode: %s\n", err.msg);
            return 1;
        }
    }
    for (int p = 0; p < N_PACK; p++) {
        uint8_t *b = packs[p];
        b[0] = 0xF2, b[1] = VG_RID_MSG_LEN, b[2] = PACK_OF;
        memcpy(b + VG_RID_PACK_HEADER, raw[p * PACK_OF], PACK_OF * VG_RID_MSG_LEN);
    }
    uint64_t sum = 0;

    /* Raw 25-byte messages, decoded round-robin. */
    double best_dec = 1e30;
    for (int r = 0; r < ROUNDS; r++) {
        double t0 = bench_now_s();
        for (long k = 0; k < passes; k++) {
            for (int i = 0; i < N_MSG; i++) {
                vg_rid_message m;
                int rc = vg_rid_decode_message(raw[i], VG_RID_MSG_LEN, &m, NULL);
                sum += (uint64_t)rc + fingerprint(&m);
            }
        }
        double dt = bench_now_s() - t0;
        best_dec = dt < best_dec ? dt : best_dec;
    }
    double dec_rate = (double)passes * N_MSG / best_dec;

    /* Packs of 5. */
    double best_pack = 1e30;
    for (int r = 0; r < ROUNDS; r++) {
        double t0 = bench_now_s();
        for (long k = 0; k < passes; k++) {
            for (int p = 0; p < N_PACK; p++) {
                vg_rid_pack pk;
                size_t used;
                int rc = vg_rid_decode_pack(packs[p], sizeof packs[p], &pk, &used, NULL);
                sum += (uint64_t)rc + used + fingerprint(&pk.msgs[p % PACK_OF]);
            }
        }
        double dt = bench_now_s() - t0;
        best_pack = dt < best_pack ? dt : best_pack;
    }
    double pack_rate = (double)passes * N_PACK / best_pack;

    /* Encoding the decoded messages back. */
    for (int i = 0; i < N_MSG; i++)
        vg_rid_decode_message(raw[i], VG_RID_MSG_LEN, &decoded[i], NULL);
    double best_enc = 1e30;
    for (int r = 0; r < ROUNDS; r++) {
        double t0 = bench_now_s();
        for (long k = 0; k < passes / 5; k++) {
            for (int i = 0; i < N_MSG; i++) {
                int rc = vg_rid_encode_message(&decoded[i], reencoded[i], NULL);
                sum += (uint64_t)rc + reencoded[i][(i + k) % VG_RID_MSG_LEN];
            }
        }
        double dt = bench_now_s() - t0;
        best_enc = dt < best_enc ? dt : best_enc;
    }
    double enc_rate = (double)(passes / 5) * N_MSG / best_enc;
    if (memcmp(reencoded, raw, sizeof raw) != 0) {
        fprintf(stderr, "bench_remoteid: re-encoded bytes differ from the originals\n");
        return 1;
    }

    /* French beacon payloads (a complete beacon), for comparison. */
    vg_frb f = {.present = VG_FRB_MANDATORY | VG_FRB_HAS(VG_FRB_T_FR_ID), .version = 1,
                .manufacturer = "ILL", .model = "DR1", .serial = "000000000000000000012345",
                .lat = 48.85827, .lon = 2.29448, .alt_msl_m = 80, .height_m = 45,
                .takeoff_lat = 48.8601, .takeoff_lon = 2.295, .speed_mps = 12, .course_deg = 312};
    uint8_t fb[VG_FRB_ENCODED_MAX];
    size_t fn;
    if (vg_frb_encode(&f, fb, sizeof fb, &fn, &err) < 0) {
        fprintf(stderr, "bench_remoteid: %s\n", err.msg);
        return 1;
    }
    double best_frb = 1e30;
    long frb_n = passes * 2000;
    fb[fn - 2] = 0; /* course high byte: courses 0..255 below */
    for (int r = 0; r < ROUNDS; r++) {
        double t0 = bench_now_s();
        for (long k = 0; k < frb_n; k++) {
            vg_frb g;
            fb[fn - 1] = (uint8_t)k; /* vary the course so each decode is fresh */
            int rc = vg_frb_decode(fb, fn, &g, NULL);
            sum += (uint64_t)rc + g.course_deg + g.present;
        }
        double dt = bench_now_s() - t0;
        best_frb = dt < best_frb ? dt : best_frb;
    }

    printf("bench_remoteid: %d varied messages (40%% location), best of %d rounds, one core\n",
           N_MSG, ROUNDS);
    printf("  decode raw 25-byte messages: %7.1f M msg/s  (%.1f ns/msg)\n", dec_rate / 1e6,
           1e9 / dec_rate);
    printf("  decode packs of %d:           %7.1f M packs/s = %.1f M msg/s\n", PACK_OF,
           pack_rate / 1e6, pack_rate * PACK_OF / 1e6);
    printf("  encode messages:             %7.1f M msg/s  (%.1f ns/msg)\n", enc_rate / 1e6,
           1e9 / enc_rate);
    printf("  decode French beacon (%zu B): %7.1f M beacons/s\n", fn, (double)frb_n / best_frb / 1e6);
    printf("  checksum %016llx\n", (unsigned long long)sum);
    return 0;
}
