/* version.h - the program's version, recorded as the agent of every event. */
#ifndef LUUTRU_VERSION_H
#define LUUTRU_VERSION_H

#define LT_VERSION "0.1.0"

#endif
