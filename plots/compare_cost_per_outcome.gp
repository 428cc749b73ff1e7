# Cost per 12-month employment by stream, bars per funding model with 95 % confidence intervals.
# $data: a header row (stream, then mean/low/high for each model, named in the mean column),
# then per stream: mean, low, high for each model (thousands of dollars).
n = (words($data[1]) - 1) / 3
set title title noenhanced
set style data histograms
set style histogram errorbars gap 2 lw 1.5
set style fill solid 0.8 border -1
set ylabel "Cost per 12-month employment (thousands of CAD)"
set xlabel "Stream (A: job-ready ... C: complex needs)"
set key top left noenhanced
set grid ytics
set yrange [0:*]
plot for [i=1:n] $data using (column(3*i-1)):(column(3*i)):(column(3*i+1)):xtic(1) \
     title columnheader(3*i-1)
