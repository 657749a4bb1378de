/* test_settings.c: the defaults file parser — every key, the accepted
 * spellings, and one clear FILE:LINE: KEY: message per mistake, leaving
 * the settings untouched on failure; loading from files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/check.h"
#include "nqmtop/app/settings.h"

/* text of len bytes (0: up to its NUL) must be refused with want. */
static void bad_len(const char *text, size_t len, const char *want)
{
    nqm_settings s, before;
    nqm_settings_defaults(&s);
    before = s;
    char err[256] = "";
    int rc = nqm_settings_parse("cfg", text, len ? len : strlen(text), &s, err, sizeof err);
    CHECK(rc != 0, "%s", text);
    CHECK(strstr(err, want) != NULL, "%s", want);
    CHECK(memcmp(&s, &before, sizeof s) == 0, "failed parse changed the settings");
    if (rc == 0 || !strstr(err, want))
        fprintf(stderr, "  input '%s' gave '%s'\n", text, err);
}

static void bad(const char *text, const char *want) { bad_len(text, 0, want); }

/* Loading from files: a missing file is fine only when not required; a
 * directory, or a file over 64 KiB, is refused with a message saying so. */
static void test_files(void)
{
    nqm_settings s;
    nqm_settings_defaults(&s);
    char err[256] = "", dir[] = "/tmp/nqmtop-settings-XXXXXX", path[sizeof dir + 16];
    CHECK(mkdtemp(dir) != NULL, "mkdtemp");
    snprintf(path, sizeof path, "%s/config", dir);
    CHECK(nqm_settings_load(path, 0, &s, err, sizeof err) == 0, "a missing optional file");
    CHECK(nqm_settings_load(path, 1, &s, err, sizeof err) != 0 && strstr(err, "cannot open"),
          "a missing required file");
    CHECK(nqm_settings_load(dir, 0, &s, err, sizeof err) != 0 && strstr(err, "is a directory"),
          "a directory");
    FILE *f = fopen(path, "w");
    CHECK(f != NULL, "create the file");
    for (int i = 0; f && i < 70 * 1024 / 16; i++)
        fputs("# 64 KiB at most\n", f);
    if (f)
        fclose(f);
    CHECK(nqm_settings_load(path, 0, &s, err, sizeof err) != 0 &&
              strstr(err, "larger than 65536 bytes"),
          "a file over 64 KiB");
    remove(path);
    rmdir(dir);
}

/* A speed is read with a '.' even when the process uses a decimal comma. */
static void test_locale(void)
{
    if (!check_comma_locale()) {
        printf("locale test skipped: no decimal-comma locale installed\n");
        return;
    }
    nqm_settings s;
    nqm_settings_defaults(&s);
    char err[256] = "";
    CHECK(nqm_settings_parse("cfg", "speed = 12.5\n", 13, &s, err, sizeof err) == 0, "%s", err);
    CHECK(s.speed == 12.5, "speed 12.5 under a decimal-comma locale");
    setlocale(LC_NUMERIC, "C");
}

int main(void)
{
    nqm_settings s;
    char err[256];
    nqm_settings_defaults(&s);
    CHECK(s.color == 1 && s.unicode == 1 && s.preset[0] == '\0' && s.speed == 0, "defaults");
    const char *text = "# my defaults\n color = no\nunicode=off # projector\r\n\n"
                       "preset = tanh-1d\nspeed = 12.5\n";
    CHECK(nqm_settings_parse("cfg", text, strlen(text), &s, err, sizeof err) == 0, "%s", err);
    CHECK(s.color == 0 && s.unicode == 0, "color and unicode off");
    CHECK(strcmp(s.preset, "tanh-1d") == 0, "preset");
    CHECK(s.speed == 12.5, "speed");
    text = "speed = auto\ncolor = yes\n";
    CHECK(nqm_settings_parse("cfg", text, strlen(text), &s, err, sizeof err) == 0, "%s", err);
    CHECK(s.speed == 0 && s.color == 1, "auto speed, colour back on");

    bad("colour = no\n", "cfg:1: colour: unknown key");
    bad("color = maybe\n", "cfg:1: color: expected yes or no");
    bad("\n\nspeed = -3\n", "cfg:3: speed: expected auto or a number");
    bad("speed = 1e999\n", "cfg:1: speed:");
    bad("speed = nan\n", "cfg:1: speed:");
    bad("color = no\ncolor = yes\n", "cfg:2: color: given twice");
    bad("preset =\n", "cfg:1: preset: expected a preset name");
    bad("just words\n", "cfg:1: expected key = value");
    bad_len("color = no\0\n", 12, "cfg:1: NUL byte at column 11");
    bad_len("speed = 2\npreset = a\x7f\n", 0, "cfg:2: control character 0x7f at column 11");
    test_files();
    test_locale();
    return check_report("test_settings");
}
