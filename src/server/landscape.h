/* GET /api/v1/landscape, computed as a job (landscape.c). */
#ifndef CLOPT_SERVER_LANDSCAPE_H
#define CLOPT_SERVER_LANDSCAPE_H

#include "core.h"

/* Answers now, or suspends c until its landscape is computed (*waiting: see srv_route). */
enum MHD_Result srv_api_landscape(srv *s, struct MHD_Connection *c, srv_job **waiting);

#endif
