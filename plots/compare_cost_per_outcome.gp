# Cost per 12-month employment by stream, bars per funding model with 95 % confidence intervals.
# $data: per stream, its row number, then mean, low, high for each model (thousands of
# dollars); keys: the models' names; tics: the streams' names.
n = |keys|
set title title noenhanced
set style data histograms
set style histogram errorbars gap 2 lw 1.5
set style fill solid 0.8 border -1
set ylabel "Cost per 12-month employment (thousands of CAD)"
set xlabel "Stream (A: job-ready ... C: complex needs)"
set key top left noenhanced
set xtics noenhanced
set grid ytics
set yrange [0:*]
plot for [i=1:n] $data using (column(3*i-1)):(column(3*i)):(column(3*i+1)):xtic(tics[int(column(0))+1]) \
     title keys[i]
