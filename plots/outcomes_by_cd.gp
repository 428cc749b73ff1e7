# Employment rate at exit by census division, sorted, with 95 % intervals over replications.
# $data: per census division, its row number, then mean, low and high in %; tics: the
# divisions' names.
set title title noenhanced
set style data histograms
set style histogram errorbars gap 1 lw 1.5
set style fill solid 0.8 border -1
set ylabel "Plans closed with the client employed (%)"
set yrange [0:100]
set key outside top center horizontal noenhanced
set grid ytics
set xtics noenhanced rotate by -60 font ",11"
set bmargin 11
plot $data using 2:3:4:xtic(tics[int(column(0))+1]) title "Employed at exit, 95 % CI"
