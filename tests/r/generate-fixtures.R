# Reference values for lib/stats, computed with base R + stats only.
# Run from the repository root:  Rscript tests/r/generate-fixtures.R
# Writes tests/r/fixtures/*.json (deterministic: fixed seed). The TypeScript tests compare the
# engine against these numbers; nothing here reuses the engine's code.

set.seed(20240611)
out_dir <- file.path("tests", "r", "fixtures")
dir.create(out_dir, recursive = TRUE, showWarnings = FALSE)

# ---- minimal JSON writer (jsonlite is not assumed) ----------------------------------------
num <- function(x) {
  if (is.na(x)) return("null")
  if (!is.finite(x)) stop("non-finite value in fixture")
  for (d in 15:17) {  # shortest representation that reads back as the same double
    s <- trimws(formatC(x, digits = d, format = "g"))
    if (as.numeric(s) == x) return(s)
  }
  s
}
js <- function(x) {
  if (is.null(x)) return("null")
  if (is.list(x)) {
    if (!is.null(names(x))) {
      parts <- mapply(function(k, v) paste0("\"", k, "\":", js(v)), names(x), x)
      return(paste0("{", paste(parts, collapse = ","), "}"))
    }
    return(paste0("[", paste(vapply(x, js, ""), collapse = ","), "]"))
  }
  scalar <- length(x) == 1 && !inherits(x, "AsIs")
  vals <- if (is.character(x)) paste0("\"", gsub("\"", "\\\\\"", x), "\"")
          else if (is.logical(x)) ifelse(is.na(x), "null", ifelse(x, "true", "false"))
          else vapply(as.numeric(x), num, "")
  if (scalar) vals else paste0("[", paste(vals, collapse = ","), "]")
}
write_fixture <- function(name, cases) {
  writeLines(js(cases), file.path(out_dir, paste0(name, ".json")))
  cat(sprintf("%-12s %d cases\n", name, length(cases)))
}

# ---- helpers -------------------------------------------------------------------------------
sums <- function(y) list(n = length(y), sum = sum(y), sumSquares = sum(y^2))

# E[max(X, 0)] for X ~ N(m, s^2) by numerical integration (independent of the closed form)
partial_expectation <- function(m, s) {
  integrate(function(x) x * dnorm(x, m, s), lower = 0, upper = Inf, rel.tol = 1e-12)$value
}

# Bayesian summary on the relative lift with an optional normal prior
bayes <- function(rel, se, prior = NULL) {
  m <- rel; s <- se
  if (!is.null(prior)) {
    prec <- 1 / se^2 + 1 / prior$variance
    m <- (rel / se^2 + prior$mean / prior$variance) / prec
    s <- sqrt(1 / prec)
  }
  list(chanceToWin = pnorm(m / s),
       riskControl = partial_expectation(m, s),
       riskTreatment = partial_expectation(-m, s))
}

# relative lift by the doc's delta-method formula
relative <- function(muT, varT, nT, muC, varC, nC, df, alpha) {
  rel <- (muT - muC) / abs(muC)
  se <- sqrt(varT / (nT * muC^2) + varC * muT^2 / (nC * muC^4))
  q <- qt(1 - alpha / 2, df)
  list(estimate = rel, se = se, ciLow = rel - q * se, ciHigh = rel + q * se)
}

draw <- function(n, kind, mu, sd) {
  switch(kind,
         normal = rnorm(n, mu, sd),
         exp = mu + rexp(n, 1 / sd),
         lognormal = mu * rlnorm(n, 0, 1),
         integer = round(rnorm(n, mu, sd)))
}

# ---- Welch t-test on means: t.test(yT, yC) --------------------------------------------------
welch_cases <- list()
sizes <- c(2, 3, 5, 10, 30, 100, 1000, 5000)
kinds <- c("normal", "exp", "lognormal", "integer")
for (i in 1:48) {
  nC <- sample(sizes, 1); nT <- sample(sizes, 1)
  kind <- kinds[(i - 1) %% 4 + 1]
  muC <- sample(c(-50, -1, 0.3, 1, 7, 120), 1)
  sdC <- sample(c(0.1, 1, 5, 40), 1)
  alpha <- c(0.05, 0.1, 0.01)[(i - 1) %% 3 + 1]
  yC <- draw(nC, kind, muC, sdC)
  yT <- draw(nT, kind, muC + sample(c(0, 0.1, 1), 1) * sdC, sdC * sample(c(0.5, 1, 2), 1))
  if (var(yC) == 0 || var(yT) == 0) next
  tt <- t.test(yT, yC, conf.level = 1 - alpha)
  rel <- relative(mean(yT), var(yT), nT, mean(yC), var(yC), nC, tt$parameter, alpha)
  prior <- if (i %% 4 == 0) list(mean = 0, variance = 0.01) else NULL
  b <- bayes(rel$estimate, rel$se, prior)
  welch_cases[[length(welch_cases) + 1]] <- list(
    alpha = alpha, control = sums(yC), treatment = sums(yT),
    prior = prior,
    estimate = mean(yT) - mean(yC), ciLow = tt$conf.int[1], ciHigh = tt$conf.int[2],
    pValue = tt$p.value, df = unname(tt$parameter),
    controlMean = mean(yC), controlSd = sd(yC),
    relEstimate = rel$estimate, relCiLow = rel$ciLow, relCiHigh = rel$ciHigh,
    chanceToWin = b$chanceToWin, riskControl = b$riskControl, riskTreatment = b$riskTreatment)
}
write_fixture("welch", welch_cases)

# ---- proportions: variance p(1-p) (no n-1), Welch df, by formula with pt/qt ------------------
prop_cases <- list()
for (i in 1:40) {
  nC <- sample(c(20, 150, 1000, 25000, 400000), 1); nT <- round(nC * runif(1, 0.7, 1.3))
  pC <- sample(c(0.01, 0.05, 0.2, 0.5, 0.93), 1)
  pT <- min(0.99, pC * sample(c(1, 1.02, 1.1, 1.5), 1))
  xC <- rbinom(1, nC, pC); xT <- rbinom(1, nT, pT)
  if (xC == 0 || xT == 0 || xC == nC || xT == nT) next
  alpha <- c(0.05, 0.1)[(i - 1) %% 2 + 1]
  phatC <- xC / nC; phatT <- xT / nT
  vC <- phatC * (1 - phatC); vT <- phatT * (1 - phatT)
  se <- sqrt(vT / nT + vC / nC)
  df <- se^4 / ((vT / nT)^2 / (nT - 1) + (vC / nC)^2 / (nC - 1))
  d <- phatT - phatC
  q <- qt(1 - alpha / 2, df)
  rel <- relative(phatT, vT, nT, phatC, vC, nC, df, alpha)
  prop_cases[[length(prop_cases) + 1]] <- list(
    alpha = alpha, control = list(n = nC, sum = xC), treatment = list(n = nT, sum = xT),
    estimate = d, ciLow = d - q * se, ciHigh = d + q * se, pValue = 2 * pt(-abs(d / se), df), df = df,
    relEstimate = rel$estimate, relCiLow = rel$ciLow, relCiHigh = rel$ciHigh,
    chanceToWin = pnorm(rel$estimate / rel$se))
}
write_fixture("proportion", prop_cases)

# ---- ratio metrics: Welch t.test on the linearized per-user values ----------------------------
# e_i = R + (y_i - R x_i)/mean(x) has mean R and var(e) = the delta-method variance (Deng et al. 2018).
ratio_cases <- list()
for (i in 1:24) {
  nC <- sample(c(30, 500, 4000), 1); nT <- sample(c(30, 500, 4000), 1)
  lam <- sample(c(0.5, 2, 6), 1)
  xC <- rpois(nC, lam) + 1; xT <- rpois(nT, lam) + 1
  yC <- xC * rgamma(nC, 2, 0.1); yT <- xT * rgamma(nT, 2, 0.1 / sample(c(1, 1.05), 1))
  alpha <- 0.05
  lin <- function(y, x) { R <- sum(y) / sum(x); R + (y - R * x) / mean(x) }
  eC <- lin(yC, xC); eT <- lin(yT, xT)
  tt <- t.test(eT, eC, conf.level = 1 - alpha)
  RC <- sum(yC) / sum(xC); RT <- sum(yT) / sum(xT)
  rel <- relative(RT, var(eT), nT, RC, var(eC), nC, tt$parameter, alpha)
  entry <- function(y, x) list(n = length(y), sum = sum(y), sumSquares = sum(y^2),
                               denominatorSum = sum(x), denominatorSumSquares = sum(x^2), sumProduct = sum(x * y))
  ratio_cases[[length(ratio_cases) + 1]] <- list(
    alpha = alpha, control = entry(yC, xC), treatment = entry(yT, xT),
    controlRatio = RC, estimate = RT - RC, ciLow = tt$conf.int[1], ciHigh = tt$conf.int[2],
    pValue = tt$p.value, df = unname(tt$parameter),
    relEstimate = rel$estimate, relCiLow = rel$ciLow, relCiHigh = rel$ciHigh)
}
write_fixture("ratio", ratio_cases)

# ---- CUPED: theta pooled over all variants, Welch on y - theta (x - mean(x_all)) ------------------
cuped_cases <- list()
for (i in 1:16) {
  k <- if (i %% 4 == 0) 3 else 2
  ns <- sample(c(200, 1000, 5000, 20000), k, replace = TRUE)
  rho <- sample(c(0.3, 0.7, 0.95), 1)
  mux <- sample(c(5, 50), 1)
  effects <- c(0, sample(c(0, 0.05, 0.2), k - 1, replace = TRUE))
  x <- list(); y <- list()
  for (g in 1:k) {
    x[[g]] <- rnorm(ns[g], mux, 10)
    y[[g]] <- 3 + rho * x[[g]] + rnorm(ns[g], 0, 10 * sqrt(1 - rho^2)) + effects[g] * 10
  }
  xa <- unlist(x); ya <- unlist(y)
  group <- factor(rep(seq_len(k), ns))
  theta <- cov(xa, ya) / var(xa)
  adj <- lapply(1:k, function(g) y[[g]] - theta * (x[[g]] - mean(xa)))
  fit <- summary(lm(ya ~ group + xa))$coefficients
  alpha <- 0.05
  comparisons <- list()
  for (g in 2:k) {
    tt <- t.test(adj[[g]], adj[[1]], conf.level = 1 - alpha)
    D <- mean(adj[[g]]) - mean(adj[[1]])
    muC <- mean(y[[1]]); nC <- ns[1]
    varD <- var(adj[[g]]) / ns[g] + var(adj[[1]]) / nC
    covDmu <- -cov(adj[[1]], y[[1]]) / nC
    relVar <- varD / muC^2 + D^2 * (var(y[[1]]) / nC) / muC^4 - 2 * D * covDmu / muC^3
    q <- qt(1 - alpha / 2, tt$parameter)
    rel <- D / abs(muC)
    comparisons[[g - 1]] <- list(
      estimate = D, ciLow = tt$conf.int[1], ciHigh = tt$conf.int[2], pValue = tt$p.value, df = unname(tt$parameter),
      relEstimate = rel, relCiLow = rel - q * sqrt(relVar), relCiHigh = rel + q * sqrt(relVar),
      lmEstimate = fit[paste0("group", g), "Estimate"], lmSe = fit[paste0("group", g), "Std. Error"],
      se = sqrt(varD))
  }
  arms <- lapply(1:k, function(g) list(n = ns[g], sum = sum(y[[g]]), sumSquares = sum(y[[g]]^2),
                                        covariate = list(sum = sum(x[[g]]), sumSquares = sum(x[[g]]^2), sumProduct = sum(x[[g]] * y[[g]]))))
  cuped_cases[[length(cuped_cases) + 1]] <- list(alpha = alpha, theta = theta, arms = arms, comparisons = comparisons)
}
write_fixture("cuped", cuped_cases)

# ---- SRM: chisq.test(users, p = weights / sum(weights)) ---------------------------------------
srm_cases <- list()
for (i in 1:30) {
  k <- sample(2:5, 1)
  w <- sample(c(1, 1, 2, 3, 0.5), k, replace = TRUE)
  total <- sample(c(50, 1000, 1e5, 2e6), 1)
  skew <- if (i %% 3 == 0) runif(k, 0.97, 1.03) else rep(1, k)
  users <- as.vector(rmultinom(1, total, w * skew / sum(w * skew)))
  if (any(users == 0)) next
  ct <- suppressWarnings(chisq.test(users, p = w / sum(w)))
  srm_cases[[length(srm_cases) + 1]] <- list(users = I(users), weights = I(w),
                                             chiSquare = unname(ct$statistic), pValue = ct$p.value)
}
write_fixture("srm", srm_cases)

# ---- p.adjust: Holm and BH -------------------------------------------------------------------
padj_cases <- list()
for (i in 1:30) {
  m <- sample(c(1, 2, 3, 5, 10, 40), 1)
  p <- runif(m)^sample(c(1, 3, 8), 1)
  if (m > 3 && i %% 3 == 0) p[2] <- p[1]  # ties
  if (m > 3 && i %% 5 == 0) p[3] <- 1e-12
  padj_cases[[length(padj_cases) + 1]] <- list(p = I(p), holm = I(p.adjust(p, "holm")), bh = I(p.adjust(p, "BH")))
}
write_fixture("padjust", padj_cases)

# ---- power.prop.test and power.t.test (tight tol so R's uniroot is not the error) ---------------
power_cases <- list()
for (p1 in c(0.01, 0.1, 0.3, 0.5)) for (mde in c(0.02, 0.05, 0.2, -0.1)) for (pw in c(0.8, 0.9)) {
  alpha <- if (pw == 0.8) 0.05 else 0.1
  n <- power.prop.test(p1 = p1, p2 = p1 * (1 + mde), sig.level = alpha, power = pw, tol = 1e-12)$n
  power_cases[[length(power_cases) + 1]] <- list(type = "proportion", baseline = p1, mde = mde, alpha = alpha, power = pw, n = n)
}
for (sd in c(1, 30)) for (delta in c(0.05, 0.3, 1.5)) for (pw in c(0.8, 0.95)) {
  baseline <- 10
  n <- power.t.test(delta = delta, sd = sd, sig.level = 0.05, power = pw, tol = 1e-12)$n
  power_cases[[length(power_cases) + 1]] <- list(type = "mean", baseline = baseline, sd = sd, mde = delta / baseline,
                                                 alpha = 0.05, power = pw, n = n)
}
mde_cases <- list()
for (p1 in c(0.02, 0.1, 0.4)) for (n in c(500, 20000, 1e6)) {
  p2 <- power.prop.test(n = n, p1 = p1, power = 0.8, sig.level = 0.05, tol = 1e-12)$p2
  mde_cases[[length(mde_cases) + 1]] <- list(type = "proportion", baseline = p1, usersPerVariant = n, alpha = 0.05, power = 0.8, mde = p2 / p1 - 1)
}
for (n in c(5, 40, 3000, 1e6)) {
  delta <- power.t.test(n = n, delta = NULL, sd = 2, power = 0.8, sig.level = 0.05, tol = 1e-12)$delta
  mde_cases[[length(mde_cases) + 1]] <- list(type = "mean", baseline = -4, sd = 2, usersPerVariant = n, alpha = 0.05, power = 0.8, mde = delta / 4)
}
# tiny samples at a strict alpha need a large noncentrality (ncp ~ 30-41), where series for pt(ncp=) must run long
n <- power.t.test(delta = 30, sd = 1, sig.level = 0.001, power = 0.8, tol = 1e-12)$n
power_cases[[length(power_cases) + 1]] <- list(type = "mean", baseline = 10, sd = 1, mde = 3, alpha = 0.001, power = 0.8, n = n)
delta <- power.t.test(n = 2, delta = NULL, sd = 2, power = 0.8, sig.level = 0.001, tol = 1e-12)$delta
mde_cases[[length(mde_cases) + 1]] <- list(type = "mean", baseline = -4, sd = 2, usersPerVariant = 2, alpha = 0.001, power = 0.8, mde = delta / 4)
write_fixture("power", list(sampleSize = power_cases, mde = mde_cases))

# ---- distribution functions on a grid (pt, qt, pnorm, qnorm, pchisq, noncentral pt) ----------------
dist <- list(pt = list(), qt = list(), pnorm = list(), qnorm = list(), pchisq = list(), pnt = list())
for (df in c(1, 1.5, 2.7, 10, 37.2, 200, 5000, 1e5, 1e7)) {
  for (t in c(0.01, 0.5, 1.96, 3, 6, 12)) dist$pt[[length(dist$pt) + 1]] <- list(t = t, df = df, upper = pt(t, df, lower.tail = FALSE))
  for (p in c(0.6, 0.84, 0.975, 0.995, 0.9999999)) dist$qt[[length(dist$qt) + 1]] <- list(p = p, df = df, q = qt(p, df))
}
for (z in c(-38, -20, -8, -3, -1, -0.2, 0, 0.6, 0.7, 2, 5, 7)) dist$pnorm[[length(dist$pnorm) + 1]] <- list(z = z, p = pnorm(z))
for (p in c(1e-300, 1e-30, 1e-8, 0.001, 0.05, 0.2, 0.5, 0.7, 0.975, 0.999999)) dist$qnorm[[length(dist$qnorm) + 1]] <- list(p = p, z = qnorm(p))
for (k in c(1, 2, 3, 4, 9, 30)) for (x in c(0.001, 0.7, 4, 15, 60, 200)) dist$pchisq[[length(dist$pchisq) + 1]] <- list(x = x, df = k, upper = pchisq(x, k, lower.tail = FALSE))
for (df in c(2, 9.5, 38, 500, 1e5)) for (t in c(0.5, 1.96, 4)) for (ncp in c(0.5, 1.5, 2.8, 4)) {
  dist$pnt[[length(dist$pnt) + 1]] <- list(t = t, df = df, ncp = ncp, p = pt(t, df, ncp))
}
# where plain library implementations go wrong: t near 0 and in the far tail at huge df, quantiles at huge df,
# chi-square tails far below 1e-16 (the SRM fixture reaches 1e-74), noncentral t with ncp beyond ~25
for (df in c(4e5, 3e7, 1e9, 1e11)) {
  for (t in c(1e-6, 0.1, 1.7, 12, 30)) dist$pt[[length(dist$pt) + 1]] <- list(t = t, df = df, upper = pt(t, df, lower.tail = FALSE))
  for (p in c(0.6, 0.975, 0.9999999)) dist$qt[[length(dist$qt) + 1]] <- list(p = p, df = df, q = qt(p, df))
}
for (x in c(345, 700)) for (k in c(1, 3)) dist$pchisq[[length(dist$pchisq) + 1]] <- list(x = x, df = k, upper = pchisq(x, k, lower.tail = FALSE))
for (df in c(2, 4, 30)) for (t in c(12.7, 31.6)) for (ncp in c(26, 30, 37)) {
  dist$pnt[[length(dist$pnt) + 1]] <- list(t = t, df = df, ncp = ncp, p = pt(t, df, ncp))
}
write_fixture("distributions", dist)

# ---- ratio metrics by the delta method, by hand from per-user data ------------------------------
# Independent of the linearised t.test above: R = sum(y)/sum(x) with Var(R) = g' S g / n, where S is
# the sample covariance matrix of (y, x) per user and g = (1/mean(x), -mean(y)/mean(x)^2) the
# gradient of mean(y)/mean(x) (Deng, Knoblich & Lu 2018). Welch df on the two arms' variances, as
# for means; the relative lift (R_T - R_C)/|R_C| by the delta method over two independent arms.
ratio_delta <- function(y, x) {
  g <- c(1 / mean(x), -mean(y) / mean(x)^2)
  list(ratio = sum(y) / sum(x), var = as.numeric(t(g) %*% cov(cbind(y, x)) %*% g) / length(y))
}
ratio_delta_cases <- list()
for (i in 1:24) {
  nC <- sample(c(20, 150, 1000, 8000), 1); nT <- sample(c(20, 150, 1000, 8000), 1)
  alpha <- c(0.05, 0.1, 0.01)[(i - 1) %% 3 + 1]
  draw_arm <- function(n, lift) {
    sessions <- 1 + rpois(n, sample(c(0.3, 2, 8), 1))            # denominator, e.g. sessions or orders
    buyer <- rbinom(n, 1, 0.4)                                     # many users spend nothing
    revenue <- buyer * sessions * rgamma(n, 2, 0.05) * lift        # numerator correlated with the denominator
    list(y = revenue, x = sessions)
  }
  ctl <- draw_arm(nC, 1); trt <- draw_arm(nT, sample(c(1, 1.05, 1.3), 1))
  if (sum(ctl$y) == 0 || sum(trt$y) == 0) next
  rc <- ratio_delta(ctl$y, ctl$x); rt <- ratio_delta(trt$y, trt$x)
  d <- rt$ratio - rc$ratio
  se <- sqrt(rt$var + rc$var)
  df <- (rt$var + rc$var)^2 / (rt$var^2 / (nT - 1) + rc$var^2 / (nC - 1))
  q <- qt(1 - alpha / 2, df)
  rel <- d / abs(rc$ratio)
  relSe <- sqrt(rt$var / rc$ratio^2 + rt$ratio^2 * rc$var / rc$ratio^4)
  entry <- function(a) list(n = length(a$y), sum = sum(a$y), sumSquares = sum(a$y^2),
                            denominatorSum = sum(a$x), denominatorSumSquares = sum(a$x^2), sumProduct = sum(a$x * a$y))
  ratio_delta_cases[[length(ratio_delta_cases) + 1]] <- list(
    alpha = alpha, control = entry(ctl), treatment = entry(trt),
    controlRatio = rc$ratio, treatmentRatio = rt$ratio, controlSe = sqrt(rc$var), treatmentSe = sqrt(rt$var),
    estimate = d, ciLow = d - q * se, ciHigh = d + q * se, pValue = 2 * pt(-abs(d / se), df), df = df,
    relEstimate = rel, relCiLow = rel - q * relSe, relCiHigh = rel + q * relSe)
}
write_fixture("ratio-delta", ratio_delta_cases)

# ---- quantile metrics: sample quantiles, the order-statistic bracket, the z comparison ------------
# What the warehouse computes, here by R: quantile(type = 1) (the inverse of the empirical CDF) at p
# and at p -/+ z*sqrt(p(1-p)/n*), with n* = n for per-user values and, for events clustered in
# users, n* = p(1-p)/Var(p_hat), p_hat = sum(I)/sum(M) the share of events at or below the
# estimate and Var(p_hat) by the delta method over users (Deng, Knoblich & Lu 2018). Then by formula:
# se = (upper - lower)/(2z), the normal interval and p-value of the difference, the relative lift by
# the delta method and the chance to win (flat prior).
quantile_summary <- function(values, users, p, z) {
  n_users <- length(unique(users))
  n_star <- n_users
  sums <- NULL
  estimate <- unname(quantile(values, p, type = 1))
  if (length(values) > n_users) {
    I <- tapply(values <= estimate, users, sum); M <- tapply(values, users, length)
    p_hat <- sum(I) / sum(M)
    var_p <- n_users / (n_users - 1) * sum((I - p_hat * M)^2) / sum(M)^2
    n_star <- p * (1 - p) / var_p
    sums <- list(users = n_users, events = sum(M), atOrBelow = sum(I), atOrBelowSquares = sum(I^2),
                 eventsSquares = sum(M^2), product = sum(I * M))
  }
  h <- z * sqrt(p * (1 - p) / n_star)
  list(n = n_users,
       quantile = list(level = p, estimate = estimate,
                       lower = unname(quantile(values, p - h, type = 1)), upper = unname(quantile(values, p + h, type = 1)),
                       bracketZ = z, effectiveN = n_star),
       sums = sums)
}
quantile_cases <- list()
for (i in 1:24) {
  p <- c(0.5, 0.9, 0.25, 0.99)[(i - 1) %% 4 + 1]
  clustered <- i > 12
  z <- c(qnorm(0.975), 1, 2.5)[(i - 1) %% 3 + 1]
  alpha <- c(0.05, 0.1, 0.01)[(i - 1) %% 3 + 1]
  arm <- function(lift) {
    n <- sample(c(1500, 4000, 12000), 1)
    if (!clustered) return(list(values = rlnorm(n, 3 + lift, 0.9), users = seq_len(n)))
    m <- 1 + rpois(n, 2)
    users <- rep(seq_len(n), m)
    list(values = exp(3 + lift + rep(rnorm(n, 0, 0.6), m) + rnorm(sum(m), 0, 0.6)), users = users)
  }
  ctl <- arm(0); trt <- arm(sample(c(0, 0.03, 0.15), 1))
  sc <- quantile_summary(ctl$values, ctl$users, p, z); st <- quantile_summary(trt$values, trt$users, p, z)
  seC <- (sc$quantile$upper - sc$quantile$lower) / (2 * z)
  seT <- (st$quantile$upper - st$quantile$lower) / (2 * z)
  qC <- sc$quantile$estimate; qT <- st$quantile$estimate
  d <- qT - qC; se <- sqrt(seT^2 + seC^2); crit <- qnorm(1 - alpha / 2)
  rel <- d / abs(qC); relSe <- sqrt(seT^2 / qC^2 + qT^2 * seC^2 / qC^4)
  quantile_cases[[length(quantile_cases) + 1]] <- list(
    alpha = alpha, control = sc, treatment = st,
    estimate = d, ciLow = d - crit * se, ciHigh = d + crit * se, pValue = 2 * pnorm(-abs(d / se)),
    relEstimate = rel, relCiLow = rel - crit * relSe, relCiHigh = rel + crit * relSe,
    chanceToWin = pnorm(rel / relSe), treatmentSd = seT * sqrt(st$n))
}
write_fixture("quantile", quantile_cases)

# ---- ratio metrics with CUPED: the pre-exposure numerator and denominator as covariates ------------
# Two independent routes in R, checked against each other here. (1) The explicit delta method: S the
# sample covariance matrix of (y, z, x, w) per user (post numerator and denominator, pre numerator and
# denominator), g = (1/mean(z), -R/mean(z), -theta/mean(w), theta*P/mean(w)) the gradient of
# R - theta*P, Var = g' S g / n. (2) Linearised per-user values e = (y - R z)/mean(z), f = (x - P w)/mean(w):
# theta is the slope of lm(e ~ f) over all variants pooled, and Welch's t.test on R_adj + e - theta f per
# arm gives the interval. The relative lift by the delta method with the raw control ratio as the base.
set.seed(20261130)
lin <- function(num, den) (num - sum(num) / sum(den) * den) / mean(den)
ratio_cuped_cases <- list()
for (i in 1:16) {
  k <- if (i %% 4 == 0) 3 else 2
  ns <- sample(c(300, 2000, 10000), k, replace = TRUE)
  lifts <- c(1, sample(c(1, 1.03, 1.2), k - 1, replace = TRUE))
  spread <- sample(c(0.3, 0.8), 1)      # how much users differ in what they spend (shared by both periods)
  lam <- sample(c(0.4, 1.5, 4), 1)      # orders per user
  arm <- function(n, lift) {
    u <- rnorm(n, 0, spread)
    rate <- exp(rnorm(n, log(lam), 0.5))
    w <- rpois(n, rate); z <- rpois(n, rate) + (i %% 2)   # odd cases: nobody has zero post orders
    list(y = z * exp(3 + u + rnorm(n, 0, 0.4)) * lift, z = z, x = w * exp(3 + u + rnorm(n, 0, 0.4)), w = w)
  }
  d <- lapply(1:k, function(g) arm(ns[g], lifts[g]))
  all <- list(y = unlist(lapply(d, `[[`, "y")), z = unlist(lapply(d, `[[`, "z")),
              x = unlist(lapply(d, `[[`, "x")), w = unlist(lapply(d, `[[`, "w")))
  # (1) theta by the explicit gradients over the pooled covariance matrix
  S <- cov(cbind(all$y, all$z, all$x, all$w))
  Rp <- sum(all$y) / sum(all$z); Pp <- sum(all$x) / sum(all$w)
  gpost <- c(1 / mean(all$z), -Rp / mean(all$z), 0, 0); gpre <- c(0, 0, 1 / mean(all$w), -Pp / mean(all$w))
  theta <- as.numeric(t(gpost) %*% S %*% gpre / (t(gpre) %*% S %*% gpre))
  # (2) the same theta as a regression slope of the linearised values
  thetaLm <- unname(coef(lm(lin(all$y, all$z) ~ lin(all$x, all$w)))[2])
  stopifnot(isTRUE(all.equal(theta, thetaLm, tolerance = 1e-9)))
  armStats <- lapply(d, function(a) {
    n <- length(a$y); R <- sum(a$y) / sum(a$z); P <- sum(a$x) / sum(a$w)
    g <- c(1 / mean(a$z), -R / mean(a$z), -theta / mean(a$w), theta * P / mean(a$w))
    Sa <- cov(cbind(a$y, a$z, a$x, a$w))
    e <- lin(a$y, a$z); f <- lin(a$x, a$w)
    adj <- R - theta * (P - Pp)
    lv <- adj + e - theta * f
    varAdj <- as.numeric(t(g) %*% Sa %*% g) / n
    stopifnot(isTRUE(all.equal(varAdj, var(lv) / n, tolerance = 1e-9)))
    list(n = n, ratio = R, adjusted = adj, se = sqrt(varAdj), unadjustedSe = sqrt(var(e) / n), lv = lv, e = e)
  })
  alpha <- 0.05
  comparisons <- list()
  for (g in 2:k) {
    t1 <- armStats[[g]]; c1 <- armStats[[1]]
    tt <- t.test(t1$lv, c1$lv, conf.level = 1 - alpha)
    D <- t1$adjusted - c1$adjusted
    muC <- c1$ratio; nC <- c1$n
    varD <- t1$se^2 + c1$se^2
    covDmu <- -cov(c1$lv, c1$e) / nC
    relVar <- varD / muC^2 + D^2 * c1$unadjustedSe^2 / muC^4 - 2 * D * covDmu / muC^3
    q <- qt(1 - alpha / 2, tt$parameter)
    rel <- D / abs(muC)
    unadjusted <- t.test(t1$ratio + t1$e, c1$ratio + c1$e, conf.level = 1 - alpha)
    comparisons[[g - 1]] <- list(
      estimate = D, ciLow = tt$conf.int[1], ciHigh = tt$conf.int[2], pValue = tt$p.value, df = unname(tt$parameter),
      relEstimate = rel, relCiLow = rel - q * sqrt(relVar), relCiHigh = rel + q * sqrt(relVar),
      unadjustedCiLow = unadjusted$conf.int[1], unadjustedCiHigh = unadjusted$conf.int[2])
  }
  arms <- lapply(d, function(a) list(
    n = length(a$y), sum = sum(a$y), sumSquares = sum(a$y^2),
    denominatorSum = sum(a$z), denominatorSumSquares = sum(a$z^2), sumProduct = sum(a$y * a$z),
    covariate = list(sum = sum(a$x), sumSquares = sum(a$x^2), denominatorSum = sum(a$w), denominatorSumSquares = sum(a$w^2),
                     sumProduct = sum(a$x * a$w), numeratorPreNumerator = sum(a$y * a$x), numeratorPreDenominator = sum(a$y * a$w),
                     denominatorPreNumerator = sum(a$z * a$x), denominatorPreDenominator = sum(a$z * a$w))))
  results <- lapply(armStats, function(s) list(ratio = s$ratio, adjusted = s$adjusted, se = s$se, unadjustedSe = s$unadjustedSe))
  ratio_cuped_cases[[length(ratio_cuped_cases) + 1]] <- list(alpha = alpha, theta = theta, arms = arms, results = results, comparisons = comparisons)
}
write_fixture("ratio-cuped", ratio_cuped_cases)
