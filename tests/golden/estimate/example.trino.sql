WITH cio_people AS (
  SELECT
    "id" AS id,
    CAST("cio_added_at" AS TIMESTAMP) AS added_at,
    CAST("churn_risk_score" AS DOUBLE) AS "attr_churn_risk_score",
    "country" AS "attr_country",
    "email_verified" AS "attr_email_verified",
    CAST("nps_score" AS DOUBLE) AS "attr_nps_score",
    "plan" AS "attr_plan",
    CAST("projects_count" AS DOUBLE) AS "attr_projects_count",
    CAST("trial_ends_at" AS TIMESTAMP) AS "attr_trial_ends_at"
  FROM people
), cio_events AS (
  SELECT
    "person_id" AS person_id,
    "name" AS name,
    CAST("timestamp" AS TIMESTAMP) AS ts,
    "data" AS data
  FROM events
), counts AS (
  SELECT
    person_id,
    SUM(
      IF(
        name = 'feature_used'
        AND ts > CAST('2026-05-02 00:00:00' AS TIMESTAMP)
        AND (
          LOWER(JSON_EXTRACT_SCALAR(data, '$.feature')) = 'export'
        ),
        1,
        0
      )
    ) AS c0,
    SUM(
      IF(name = 'payment_failed' AND ts > CAST('2026-05-02 00:00:00' AS TIMESTAMP), 1, 0)
    ) AS c1,
    SUM(IF(name = 'logged_in' AND ts > CAST('2026-05-02 00:00:00' AS TIMESTAMP), 1, 0)) AS c2,
    SUM(IF(name = 'logged_in' AND ts > CAST('2026-05-18 00:00:00' AS TIMESTAMP), 1, 0)) AS c3,
    SUM(
      IF(
        name = 'invited_teammate'
        AND (
          LOWER(JSON_EXTRACT_SCALAR(data, '$.role')) IN ('admin', 'member')
        ),
        1,
        0
      )
    ) AS c4,
    SUM(IF(name = 'signed_up' AND ts > CAST('2026-05-25 00:00:00' AS TIMESTAMP), 1, 0)) AS c5,
    MIN(ts) AS first_ts
  FROM cio_events
  WHERE
    ts <= CAST('2026-06-01 00:00:00' AS TIMESTAMP)
  GROUP BY
    person_id
), base AS (
  SELECT
    p.*,
    COALESCE(c.c0, 0) AS c0,
    COALESCE(c.c1, 0) AS c1,
    COALESCE(c.c2, 0) AS c2,
    COALESCE(c.c3, 0) AS c3,
    COALESCE(c.c4, 0) AS c4,
    COALESCE(c.c5, 0) AS c5,
    COALESCE(p.added_at <= CAST('2026-05-25 00:00:00' AS TIMESTAMP), FALSE)
    OR COALESCE(c.first_ts <= CAST('2026-05-25 00:00:00' AS TIMESTAMP), FALSE) AS covers_604800,
    COALESCE(p.added_at <= CAST('2026-05-18 00:00:00' AS TIMESTAMP), FALSE)
    OR COALESCE(c.first_ts <= CAST('2026-05-18 00:00:00' AS TIMESTAMP), FALSE) AS covers_1209600,
    COALESCE(p.added_at <= CAST('2026-05-02 00:00:00' AS TIMESTAMP), FALSE)
    OR COALESCE(c.first_ts <= CAST('2026-05-02 00:00:00' AS TIMESTAMP), FALSE) AS covers_2592000
  FROM cio_people AS p
  LEFT JOIN counts AS c
    ON c.person_id = p.id
), seg_exporters AS (
  SELECT
    b.id,
    COALESCE(CASE WHEN b.c0 >= 3 THEN TRUE WHEN b.covers_2592000 THEN FALSE END, FALSE) AS member
  FROM base AS b
), seg_cancelled AS (
  SELECT
    b.id,
    COALESCE(LOWER("b"."attr_plan") = 'cancelled', FALSE) AS member
  FROM base AS b
), seg_pro_plan AS (
  SELECT
    b.id,
    COALESCE(LOWER("b"."attr_plan") = 'pro', FALSE) AS member
  FROM base AS b
), seg_churn_risk AS (
  SELECT
    b.id,
    COALESCE(
      (
        "b"."attr_churn_risk_score" >= CAST(0.7 AS DOUBLE)
      )
      OR (
        CASE WHEN b.c1 >= 2 THEN TRUE WHEN b.covers_2592000 THEN FALSE END
      ),
      FALSE
    ) AS member
  FROM base AS b
), seg_paying_customers AS (
  SELECT
    b.id,
    COALESCE(
      (
        (
          r_pro_plan.member
        ) OR (
          LOWER("b"."attr_plan") = 'enterprise'
        )
      )
      AND (
        NOT (
          r_churn_risk.member
        )
      ),
      FALSE
    ) AS member
  FROM base AS b
  LEFT JOIN seg_churn_risk AS r_churn_risk
    ON r_churn_risk.id = b.id
  LEFT JOIN seg_pro_plan AS r_pro_plan
    ON r_pro_plan.id = b.id
), members AS (
  SELECT
    b.id,
    COALESCE(CASE WHEN b.c0 >= 3 THEN TRUE WHEN b.covers_2592000 THEN FALSE END, FALSE) AS m0,
    COALESCE(
      (
        r_exporters.member
      )
      AND (
        "b"."attr_projects_count" >= CAST(10.0 AS DOUBLE)
      )
      AND (
        CASE WHEN b.c2 >= 20 THEN TRUE WHEN b.covers_2592000 THEN FALSE END
      ),
      FALSE
    ) AS m1,
    COALESCE(
      (
        (
          TRUE
        )
        AND (
          NOT (
            CASE WHEN b.c3 >= 1 THEN TRUE WHEN b.covers_1209600 THEN FALSE END
          )
        )
      )
      AND (
        NOT (
          r_cancelled.member
        )
      ),
      FALSE
    ) AS m2,
    COALESCE(b.c4 >= 2, FALSE) AS m3,
    COALESCE("b"."attr_nps_score" >= CAST(9.0 AS DOUBLE), FALSE) AS m4,
    COALESCE(
      (
        LOWER("b"."attr_country") IN ('de', 'fr', 'es', 'it', 'nl', 'ie', 'pl', 'se')
      )
      AND (
        r_paying_customers.member
      ),
      FALSE
    ) AS m5,
    COALESCE(LOWER("b"."attr_plan") = 'pro', FALSE) AS m6,
    COALESCE(
      (
        (
          r_pro_plan.member
        ) OR (
          LOWER("b"."attr_plan") = 'enterprise'
        )
      )
      AND (
        NOT (
          r_churn_risk.member
        )
      ),
      FALSE
    ) AS m7,
    COALESCE(
      (
        NOT "b"."attr_trial_ends_at" IS NULL
      )
      AND (
        LOWER("b"."attr_plan") = 'free'
      ),
      FALSE
    ) AS m8,
    COALESCE(
      (
        "b"."attr_email_verified" = FALSE
      )
      AND (
        CASE WHEN b.c5 >= 1 THEN TRUE WHEN b.covers_604800 THEN FALSE END
      ),
      FALSE
    ) AS m9,
    COALESCE(
      (
        "b"."attr_churn_risk_score" >= CAST(0.7 AS DOUBLE)
      )
      OR (
        CASE WHEN b.c1 >= 2 THEN TRUE WHEN b.covers_2592000 THEN FALSE END
      ),
      FALSE
    ) AS m10,
    COALESCE(LOWER("b"."attr_plan") = 'cancelled', FALSE) AS m11,
    FALSE AS m12
  FROM base AS b
  LEFT JOIN seg_cancelled AS r_cancelled
    ON r_cancelled.id = b.id
  LEFT JOIN seg_churn_risk AS r_churn_risk
    ON r_churn_risk.id = b.id
  LEFT JOIN seg_exporters AS r_exporters
    ON r_exporters.id = b.id
  LEFT JOIN seg_paying_customers AS r_paying_customers
    ON r_paying_customers.id = b.id
  LEFT JOIN seg_pro_plan AS r_pro_plan
    ON r_pro_plan.id = b.id
)
SELECT
  COUNT(*) AS people,
  SUM(IF(m0, 1, 0)) AS n0,
  SUM(IF(m1, 1, 0)) AS n1,
  SUM(IF(m2, 1, 0)) AS n2,
  SUM(IF(m3, 1, 0)) AS n3,
  SUM(IF(m4, 1, 0)) AS n4,
  SUM(IF(m5, 1, 0)) AS n5,
  SUM(IF(m6, 1, 0)) AS n6,
  SUM(IF(m7, 1, 0)) AS n7,
  SUM(IF(m8, 1, 0)) AS n8,
  SUM(IF(m9, 1, 0)) AS n9,
  SUM(IF(m10, 1, 0)) AS n10,
  SUM(IF(m11, 1, 0)) AS n11,
  SUM(IF(m12, 1, 0)) AS n12
FROM members;
