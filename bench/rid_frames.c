/* bench/rid_frames.c — how fast whole Remote ID beacon frames decode: radiotap +
 * 802.11 beacon + vendor element → message pack of 5 → messages, the path
 * `vigie decode` and a live receiver take for every Wi-Fi beacon.
 *
 * 4 096 different frames (each a pack of Basic ID, Location, System, Operator ID and
 * Self-ID from one of 4 096 drones, with varied positions and counters) are built
 * once with the frame builder, then parsed (vg_ridframe_parse) and their packs
 * decoded (vg_rid_decode_pack) round-robin; the frames are a few hundred KiB, so
 * they stay in cache as a receiver's recent frames would. Best of several rounds on
 * one core. A checksum of the results is printed so the work cannot be dropped. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_util.h"
#include "vigie/rid.h"
#include "vigie/ridframe.h"

#define N_FRAMES 4096
#define PACK_OF 5
#define ROUNDS 7

static uint64_t rng = 0x0b5e5e1e2024ull;

static uint8_t frames[N_FRAMES][VG_RIDFRAME_MAX_FRAME];
static size_t frame_len[N_FRAMES];

/* One drone's pack: every message a receiver needs to identify and place it. */
static int build_frame(int i, vg_error *err)
{
    vg_rid_pack p;
    memset(&p, 0, sizeof p);
    p.version = 2;
    p.count = PACK_OF;
    vg_rid_message *m = p.msgs;
    m[0].type = VG_RID_BASIC_ID;
    m[0].u.basic_id = (vg_rid_basic_id){.version = 2, .id_type = 1, .ua_type = 2};
    char id[32];
    snprintf(id, sizeof id, "1596F%015d", i); /* a 20-character CTA-2063-A serial */
    memcpy(m[0].u.basic_id.uas_id, id, VG_RID_ID_LEN);
    m[1].type = VG_RID_LOCATION;
    m[1].u.location = (vg_rid_location){
        .version = 2, .status = 2, .has_direction = true, .direction_deg = (double)(bench_splitmix64(&rng) % 360),
        .has_speed = true, .speed_mps = (double)(bench_splitmix64(&rng) % 400) * 0.25, .has_vspeed = true,
        .vspeed_mps = 0.5, .has_position = true, .lat = bench_uniform(&rng, 48.80, 48.90),
        .lon = bench_uniform(&rng, 2.25, 2.40), .has_geodetic_alt = true, .geodetic_alt_m = 120,
        .has_height = true, .height_m = 60, .h_accuracy = 10, .v_accuracy = 4,
        .speed_accuracy = 2, .time_accuracy = 2, .has_time = true,
        .time_ds = (uint16_t)(bench_splitmix64(&rng) % 36000)};
    m[2].type = VG_RID_SYSTEM;
    m[2].u.system = (vg_rid_system){
        .version = 2, .operator_location_type = 1, .classification_type = 1,
        .has_operator_position = true, .operator_lat = bench_uniform(&rng, 48.80, 48.90),
        .operator_lon = bench_uniform(&rng, 2.25, 2.40), .area_count = 1, .category_eu = 1, .class_eu = 2,
        .has_operator_alt = true, .operator_alt_m = 80, .has_timestamp = true,
        .timestamp = (vg_time)(1722015000 + bench_splitmix64(&rng) % 3600) * 1000000};
    m[3].type = VG_RID_OPERATOR_ID;
    m[3].u.operator_id.version = 2;
    memcpy(m[3].u.operator_id.id, "FRAmw3jdx5n9e2vk", 16);
    m[4].type = VG_RID_SELF_ID;
    m[4].u.self_id.version = 2;
    memcpy(m[4].u.self_id.desc, "Survey of the Seine", 19);
    uint8_t pack[VG_RID_PACK_LEN_MAX];
    size_t pack_len;
    if (vg_rid_encode_pack(&p, pack, sizeof pack, &pack_len, err) < 0)
        return -1;
    uint8_t mac[6] = {0x60, 0x60, 0x1f, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i};
    vg_ridframe_opts o = {.linktype = VG_LINKTYPE_IEEE802_11_RADIOTAP, .has_rssi = true,
                          .rssi_dbm = (int8_t)(-40 - (int)(bench_splitmix64(&rng) % 50)), .ssid = "DJI-RID"};
    return vg_ridframe_build_wifi_beacon(frames[i], sizeof frames[i], mac, (uint8_t)bench_splitmix64(&rng),
                                         pack, pack_len, &o, &frame_len[i], err);
}

int main(int argc, char **argv)
{
    long passes = argc > 1 ? atol(argv[1]) : 500; /* passes over the 4 096 frames */
    if (passes < 1)
        passes = 1;
    vg_error err;
    size_t bytes = 0;
    for (int i = 0; i < N_FRAMES; i++) {
        if (build_frame(i, &err) < 0) {
            fprintf(stderr, "bench_rid_frames: build: %s\n", err.msg);
            return 1;
        }
        bytes += frame_len[i];
    }
    uint64_t sum = 0, messages = 0;
    double best = 1e30;
    for (int r = 0; r < ROUNDS; r++) {
        messages = 0;
        double t0 = bench_now_s();
        for (long k = 0; k < passes; k++) {
            for (int i = 0; i < N_FRAMES; i++) {
                vg_rid_payload pl[VG_RIDFRAME_MAX_PAYLOADS];
                int n;
                int rc = vg_ridframe_parse(VG_LINKTYPE_IEEE802_11_RADIOTAP, frames[i],
                                           frame_len[i], pl, VG_RIDFRAME_MAX_PAYLOADS, &n,
                                           NULL);
                sum += (uint64_t)rc;
                for (int j = 0; j < n; j++) {
                    vg_rid_pack pk;
                    if (vg_rid_decode_pack(pl[j].data, pl[j].len, &pk, NULL, NULL) < 0)
                        continue;
                    messages += pk.count;
                    sum += pl[j].counter + (uint64_t)(pk.msgs[1].u.location.lat * 1e7) +
                           pk.msgs[0].u.basic_id.uas_id[19];
                }
            }
        }
        double dt = bench_now_s() - t0;
        best = dt < best ? dt : best;
    }
    double frames_n = (double)passes * N_FRAMES;
    if (messages != (uint64_t)frames_n * PACK_OF) {
        fprintf(stderr, "bench_rid_frames: decoded %llu messages, expected %.0f\n",
                (unsigned long long)messages, frames_n * PACK_OF);
        return 1;
    }
    printf("bench_rid_frames: %d radiotap beacon frames (%zu B on average, pack of %d), "
           "best of %d rounds, one core\n", N_FRAMES, bytes / N_FRAMES, PACK_OF, ROUNDS);
    printf("  parse frame + decode pack: %7.2f M frames/s = %7.2f M msg/s  (%.1f ns/frame)\n",
           frames_n / best / 1e6, frames_n * PACK_OF / best / 1e6, 1e9 * best / frames_n);
    printf("  checksum %016llx\n", (unsigned long long)sum);
    return 0;
}
